// hash-sum ships no types; Node-RED's core nodes use it to mark and recognise request-node headers.
declare module 'hash-sum' {
  function hashSum(value: unknown): string;
  export = hashSum;
}
