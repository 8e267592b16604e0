// What a verification is asked to decide, and what it reports.

/// What the leaf certificate will be used for.
public enum Purpose: UInt8 {
    /// Any purpose: no extended-key-usage or leaf key-usage check.
    case any = 0
    /// A TLS server (id-kp-serverAuth).
    case serverAuth = 1
    /// A TLS client (id-kp-clientAuth).
    case clientAuth = 2
}

/// The identity the leaf must prove. Views into caller memory.
public enum PeerName {
    case none
    /// A DNS host name in ASCII (A-labels); one trailing dot (an absolute name,
    /// "www.example.com.") is allowed and ignored.
    case dns(UnsafeRawBufferPointer)
    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network order.
    case ip(UnsafeRawBufferPointer)
    /// An email address (RFC 822 mailbox).
    case email(UnsafeRawBufferPointer)
}

/// The bounds of one verification. Each protects the device against a hostile or broken
/// peer; exceeding one ends the verification with its own error. None is meant to refuse a
/// valid chain the Web PKI or a private PKI sends: the work a search may do is bounded by
/// candidatesMax, signaturesMax, nameComparisonsMax and stepsMax, not by the list's length.
public struct Limits {
    /// Largest `depthMax` any caller may ask for: the size of the path record.
    public static let depthCeiling: UInt8 = 16

    /// Most certificates in a path, leaf included, trust anchor excluded. Protects the
    /// workspace: each level of the path is one frame (a parsed certificate) in it. Web PKI
    /// paths have 2 to 4; webpki allows 6 sub-CAs. Default 8.
    public var depthMax: UInt8 = 8
    /// Most certificates one peer may present. Protects the candidate scan: every search
    /// step looks at each presented certificate's subject, so a list of thousands would make
    /// each step slow before any budget is spent. A presented certificate costs the device
    /// only a pointer, and real peers send long lists: BetterTLS's path-building suite sends
    /// up to 36. Default 64.
    public var presentedMax: UInt8 = 64
    /// Most issuer candidates (same name) considered for one certificate. Protects against
    /// a flood of same-named certificates each costing a parse. Default 16.
    public var candidatesMax: UInt8 = 16
    /// Signature checks one verification may spend: webpki's 100, chosen after Go's
    /// path-building denial of service (CVE-2018-16875). Each costs milliseconds on a
    /// device, so this is also the worst-case time bound.
    public var signaturesMax: UInt16 = 100
    /// Name-constraint comparisons (one name against one subtree) one verification may
    /// spend. Quadratic inputs (thousands of names against thousands of subtrees, limbo's
    /// nc-dos cases) stop here. Default 50,000: about 10 ms on a Cortex-M4 at 100 MHz.
    public var nameComparisonsMax: UInt32 = 50_000
    /// Candidate considerations (path-search steps) one verification may spend, webpki's
    /// build_chain_calls. Bounds the search even where no signature is checked.
    public var stepsMax: UInt32 = 20_000

    public init() {}
}

/// How to verify.
public struct VerifyOptions {
    /// The current time in seconds since 1970, or nil when the device has no trusted clock;
    /// then the trust store's build time is the lower bound for expiry.
    public var time: Int64?
    public var purpose: Purpose = .serverAuth
    public var peerName: PeerName = .none
    public var limits = Limits()
    /// The signature memo to consult and fill; nil (the default) disables it.
    public var memo: SignatureMemo?
    /// The strict profile: the issuance rules of RFC 5280 and the CABF BRs on top of the
    /// validation rules (docs/validation-rules.md), for operators who hold their own PKI to
    /// them. False (the default profile): validation rules only, as mainstream validators.
    public var strict = false

    public init(time: Int64?, purpose: Purpose = .serverAuth, peerName: PeerName = .none) {
        self.time = time
        self.purpose = purpose
        self.peerName = peerName
    }
}

/// Certificate indices of a path, leaf first, as a fixed array so that no allocation is
/// needed. Index i < presented count is the i-th presented certificate; index n + j is the
/// trust store's j-th stored certificate.
public struct PathIndices {
    private var storage: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16,
                          UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    public init() {}

    // Raw-byte access (withUnsafeBytes + load/storeBytes) would be shorter, but on armv7em
    // Embedded Swift lowers it through an allocating path; rebinding the tuple does not. A
    // settable public subscript would also emit a `_modify` coroutine that needs a
    // coroutine-frame allocator, hence the separate setter.
    public subscript(i: Int) -> UInt16 {
        precondition(i >= 0 && i < Int(Limits.depthCeiling), "path index out of range")
        var copy = storage
        return withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: UInt16.self, capacity: 16) { $0[i] }
        }
    }

    public mutating func set(_ i: Int, _ value: UInt16) {
        precondition(i >= 0 && i < Int(Limits.depthCeiling), "path index out of range")
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: UInt16.self, capacity: 16) { $0[i] = value }
        }
    }
}

/// The outcome of a verification.
public struct VerifyResult {
    /// nil when a valid path was found; otherwise the most specific reason none was.
    public var error: IoTCertError?
    /// The path found, leaf first (empty on failure).
    public var path = PathIndices()
    public var pathLength: UInt8 = 0
    /// The trust anchor that ended the path, or -1.
    public var anchorIndex: Int32 = -1
    /// The certificate that caused `error` (numbered as in `path`): for pathNoTrustAnchor the
    /// certificate whose issuer nothing names (where the chain stops); -1 when the cause is
    /// not one certificate (budget exhaustion, a trust anchor).
    public var failingIndex: Int32 = -1
    /// Signature verifications performed (memo hits excluded).
    public var signaturesChecked: UInt16 = 0
    /// Signatures found in the memo instead of verified.
    public var memoHits: UInt16 = 0
    /// Candidate considerations made.
    public var steps: UInt32 = 0
    /// Name-constraint comparisons made.
    public var nameComparisons: UInt32 = 0
    /// Most workspace bytes in use.
    public var workspaceHighWater: UInt32 = 0

    public init() {}

    public var isValid: Bool { error == nil }
}
