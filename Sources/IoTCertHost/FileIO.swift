// Reading and writing the files an operator names, with "-" for standard input and output,
// pipes and FIFOs read as they come, a size limit on every input, and a sentence for every
// file-system error (the system's own, from errno) instead of a Foundation error domain.

// For the C library's `stdout`, which Swift 6 otherwise refuses to name (a mutable global).
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import Foundation

/// A file that cannot be used, naming it: "roots.pem: is empty". `Use` (Reading or Writing)
/// only tells the two apart by type, so that the tool gives each its own exit status
/// (docs/exit-codes.md).
public struct FileError<Use>: Error, CustomStringConvertible {
    public let file: String
    public let reason: String

    public init(_ file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

public enum Reading {}
public enum Writing {}

/// An input that cannot be read or used (exit 2).
public typealias InputError = FileError<Reading>
/// An output that cannot be written (exit 4).
public typealias OutputError = FileError<Writing>

public enum FileIO {
    /// Largest input file: 16 MiB. Debian's whole root store is 220 KB and 2,000
    /// intermediates in PEM about 4 MB; anything larger is not a certificate set, and a
    /// stream without end (a device file, a pipe that never closes) must not fill memory.
    public static let inputBytesMax = 16 << 20

    /// The name standard input and output go by.
    public static let standardStream = "-"

    /// The whole of `path` ("-": standard input), at most `limit` bytes.
    public static func read(_ path: String, limit: Int = inputBytesMax) throws -> [UInt8] {
        let fd = path == standardStream ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError(displayName(path), systemReason(errno)) }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var status = stat()
        if fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw InputError(displayName(path), "is a directory, not a file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(displayName(path), systemReason(errno))
            }
            if n == 0 { return bytes }
            guard bytes.count + n <= limit else {
                throw InputError(displayName(path), "larger than \(grouped(limit)) bytes, the "
                    + "most an input may hold"
                    + (limit == inputBytesMax ? " (FileIO.inputBytesMax)" : ""))
            }
            bytes += chunk[0..<n]
        }
    }

    /// The text of `path` ("-": standard input): a key or a host name file. The file-system
    /// errors are `read`'s sentences; bytes that are not UTF-8 are said to be so.
    public static func readText(_ path: String) throws -> String {
        guard let text = String(validating: try read(path), as: UTF8.self) else {
            throw InputError(displayName(path), "is not text (not UTF-8)")
        }
        return text
    }

    /// Writes `bytes` to `path` ("-": standard output). `mode`: permissions of a new file
    /// (0o600 for private keys).
    public static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
        if path == standardStream {
            // Whatever `print` buffered goes first, so that the two keep their order.
            try flushStandardOutput()
            try write(STDOUT_FILENO, bytes, name: "standard output")
            return
        }
        try checkWritable(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw OutputError(path, "cannot be written: " + systemReason(errno)) }
        defer { close(fd) }
        try write(fd, bytes, name: path)
    }

    /// Sends what `print` buffered for standard output, so that a full disk or a device
    /// that refuses it is an error (exit 4), not a report lost in silence.
    public static func flushStandardOutput() throws {
        // The error flag too: a write that failed while `print` filled the buffer has been
        // reported to nobody yet.
        guard fflush(stdout) != 0 || ferror(stdout) != 0 else { return }
        let reason = systemReason(errno)
        clearerr(stdout)
        throw OutputError("standard output", "cannot be written: " + reason)
    }

    /// Writes all of `bytes` to `fd`, naming `name` when it fails.
    static func write(_ fd: Int32, _ bytes: [UInt8], name path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes {
                Foundation.write(fd, $0.baseAddress, $0.count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(path, "cannot be written: " + systemReason(errno))
            }
            done += n
        }
    }

    /// Refuses, with a sentence, an output path that is a directory or whose directory does
    /// not exist.
    public static func checkWritable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            throw OutputError(path, "is a directory; name a file to write")
        }
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw OutputError(path, "cannot be written: its directory \(directory) does not exist")
        }
    }

    /// Creates `path` and its parents, naming what is in the way when it cannot.
    public static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw OutputError(path, "exists and is not a directory")
            }
            return
        }
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw OutputError(path, "cannot be created: \(prefix) is a file")
                }
                continue
            }
            guard mkdir(prefix, 0o755) == 0 else {
                throw OutputError(path, "cannot be created: " + systemReason(errno))
            }
        }
    }

    public static func displayName(_ path: String) -> String {
        path == standardStream ? "standard input" : path
    }

    /// The C library's sentence for an errno value ("Permission denied").
    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
