// Ends every test run with one line, "N passed, N failed", so CI's result reads at a glance.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failedSuites = results.numRuntimeErrorTestSuites;
    const failed = results.numFailedTests + failedSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
module.exports = SummaryReporter;
