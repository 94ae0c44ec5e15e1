/**
 * Independent verification of the channel's chain for auditors (`estp audit verify`): block
 * hashes recomputed from the bytes, validation codes, endorsements and signatures of the ESTP
 * transactions, and the report formats.
 */
export * from './block-hash';
export * from './identity';
export * from './parse';
export * from './verify';
export * from './source';
export * from './report';
export * from './transactions';
export * from './ledger';
export * from './history';
