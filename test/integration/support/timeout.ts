// Each integration file synthesizes the stack and deploys it on the engines in beforeAll. On a
// quiet 2-core machine that takes a few seconds; on a shared one under heavy load a harness took
// over 30 s. This limit is a guard against a hang, not a speed target (benchmarks measure speed),
// so it is generous. `testTimeout` in a project's config is ignored (it is a global option), so
// the integration project sets its timeout here, before every file.
jest.setTimeout(180_000);
