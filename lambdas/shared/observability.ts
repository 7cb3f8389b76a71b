// Powertools logger and metrics, one instance each per container, configured by the
// POWERTOOLS_* variables the stack sets, with the same names as defaults.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './service';

/** Structured JSON logger shared by the handlers. */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** CloudWatch EMF metrics shared by the handlers. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
