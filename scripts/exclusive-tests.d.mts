export declare const EXCLUSIVE: string[];
