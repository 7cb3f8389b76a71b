// The names the functions report under, in one place: the construct gives every function these
// (Powertools' POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE) and reads its alarms and
// dashboard from them; the functions' logger and metrics are built with them.

/** The `service` of every log line and the `service` dimension of every custom metric. */
export const SERVICE_NAME = 'ec2-task-monitor';

/** The CloudWatch namespace of the custom metrics. */
export const METRICS_NAMESPACE = 'Ec2TaskMonitor';
