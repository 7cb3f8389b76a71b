// The metric series the functions' Embedded Metric Format output declares, counted by the benches
// (test/bench) from the stdout they capture instead of printing.

/** One EMF log line, as Powertools Metrics writes it: the directives and each dimension's value. */
interface EmfRecord {
  _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  [key: string]: unknown;
}

/** Every `Metric{Dimension=value,...}` series declared by the EMF lines of `text`; other lines add nothing. */
export function emfSeriesOf(text: string): string[] {
  const series: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const record = JSON.parse(line) as EmfRecord;
    for (const directive of record._aws.CloudWatchMetrics) {
      for (const dimensions of directive.Dimensions) {
        const values = dimensions.map((name) => `${name}=${String(record[name])}`).join(',');
        for (const metric of directive.Metrics) series.push(`${metric.Name}{${values}}`);
      }
    }
  }
  return series;
}
