// Types of diagnostic-array.mjs (the bench imports the JS; tests import these types).
export declare function diagnosticArrayCdr(o: { name: string; level: number; values: number }): Buffer;
