// The host tool's root command. Each subcommand lives in its own file; to add one, append
// its type to `subcommands` below.

import ArgumentParser
import IoTCert
import IoTCertHost

@main
struct IoTCertTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iotcert",
        abstract: "Host tool for iotcert: trust bundles, inspection, verification, conformance.",
        discussion: ToolExit.helpText,
        version: "iotcert \(String(cString: iotcert_version())) (bundle format "
            + "\(BundleLayout.formatVersion), JSON reports version \(reportSchemaVersion))",
        subcommands: [
            LimboCommand.self,
            PackCommand.self,
            InspectCommand.self,
            VerifyCommand.self,
            CheckCommand.self,
            SimulateCommand.self,
            GenCommand.self,
            SizesCommand.self,
        ])
}
