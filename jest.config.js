/** Type errors are caught once by `npm run typecheck`; tests only transpile, which keeps them fast. */
const os = require("os");

module.exports = {
  // Jest's default (one worker fewer than cores) is a single worker on a two-core CI machine; the
  // suites are independent (each writes only to its own temporary directories), so use both.
  maxWorkers: Math.max(2, os.cpus().length - 1),
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/out/", "/bin/", "/.tools/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", {}],
  },
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/test/summaryReporter.js"],
};
