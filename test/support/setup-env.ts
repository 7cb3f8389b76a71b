// Quiet Powertools in tests: metrics are asserted through spies, logs only when debugging
// (run with POWERTOOLS_LOG_LEVEL=DEBUG to see them).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
