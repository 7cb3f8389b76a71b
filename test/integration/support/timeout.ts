// Each integration file synthesizes the stack and deploys it on the engines in beforeAll; on a
// loaded 2-core machine that can take 10 s. `testTimeout` in a project's config is ignored (it is
// a global option), so the integration project sets its timeout here, before every file.
jest.setTimeout(60_000);
