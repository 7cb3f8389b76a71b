// Powertools logger and metrics, one instance each per container, configured by the
// POWERTOOLS_* variables the stack sets.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Structured JSON logger shared by the handlers. */
export const logger = new Logger({ serviceName: 'ec2-task-monitor' });

/** CloudWatch EMF metrics shared by the handlers. */
export const metrics = new Metrics({ namespace: 'Ec2TaskMonitor', serviceName: 'ec2-task-monitor' });
