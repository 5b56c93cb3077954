export * from './spans';
export { METRICS, countMetric, recordMetric, addGaugeSource, resetKeywardInstruments, type GaugeKey } from './instruments';
