// Prints "N passed, N failed" (", N skipped") from vitest's and Playwright's JSON reports;
// a report that is missing (its runner never ran) is named.
import fs from 'node:fs'
import path from 'node:path'

let passed = 0
let failed = 0
let skipped = 0
const missing = []
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    missing.push(path.basename(file, '.json'))
    continue
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'))
  if ('numPassedTests' in report) {
    passed += report.numPassedTests
    failed += report.numFailedTests
    skipped += report.numPendingTests + report.numTodoTests
  } else if (report.stats) {
    passed += report.stats.expected + report.stats.flaky
    failed += report.stats.unexpected
    skipped += report.stats.skipped
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${missing.length ? ` (did not run: ${missing.join(', ')})` : ''}`)
