// The host tool's root command. Each subcommand lives in its own file; to add one, append
// its type to `subcommands` below.

import ArgumentParser

@main
struct IoTCertTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iotcert",
        abstract: "Host tool for iotcert: trust bundles, inspection, verification, conformance.",
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
