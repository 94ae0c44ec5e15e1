/**
 * docs/transactions.md is generated from the chaincode (test/tools/reference.ts): it must match
 * what the generator renders now, and the generator must have found every transaction's source.
 */
import { readFileSync } from 'node:fs';
import { REFERENCE_FILE, renderReference } from '../tools/reference';
import { PUBLIC_API } from '../support/public-api';

describe('transaction reference (docs/transactions.md)', () => {
  let rendered: string;
  beforeAll(() => {
    rendered = renderReference();
  });

  it('is up to date with the contracts (regenerate with `npm run docs:reference`)', () => {
    expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(rendered);
  });

  it.each(
    Object.entries(PUBLIC_API).flatMap(([contract, txs]) => Object.keys(txs).map((tx) => [contract, tx])),
  )(
    '%s:%s has a row linking its code, and a state change names the roles that may submit it',
    (contract, transaction) => {
      const section = rendered.split(/^## /m).find((part) => part.startsWith(`${contract}\n`)) ?? '';
      const row = section.split('\n').find((line) => line.startsWith(`| [${transaction}](`));
      expect(row).toMatch(
        new RegExp(`\\(\\.\\./chaincode/src/contracts/${contract.toLowerCase()}\\.ts#L\\d+\\)`),
      );
      if (PUBLIC_API[contract]?.[transaction] === 'submit') {
        expect(row).toMatch(/\| submit +\| (?!any channel member)[a-z]/);
      }
    },
  );
});
