/** Type errors are caught once by `npm run typecheck`; tests only transpile, which keeps them fast. */
module.exports = {
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
