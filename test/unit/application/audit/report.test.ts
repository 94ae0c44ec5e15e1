/** The audit report formats: RFC 4180 CSV, JSON, and the verify report's tables and summary. */
import {
  type VerifyReport,
  breaksCsv,
  csvField,
  formatVerifyReport,
  invalidTxCsv,
  toCsv,
  toJson,
  verifyExitCode,
} from '../../../../application/src/audit';

const report: VerifyReport = {
  ok: false,
  blocks: 3,
  transactions: 4,
  chaincodeTransactions: 2,
  invalid: [
    {
      block: 1,
      txIndex: 1,
      txId: 'ab',
      validationCode: 'MVCC_READ_CONFLICT',
      chaincode: 'estp',
      creatorMsp: 'UtilityMSP',
      endorserMsps: ['UtilityMSP', 'EnterpriseMSP'],
      reason: 'a key it read was changed, "concurrently"',
    },
  ],
  breaks: [
    { block: 2, reason: 'DATA_HASH', detail: 'data_hash 00 in the header, 11 computed' },
    {
      block: 2,
      txIndex: 0,
      txId: 'cd',
      reason: 'ENDORSEMENT_POLICY',
      detail: 'endorsed by [UtilityMSP]; needs 2',
    },
  ],
  firstBlock: 0,
  lastBlock: 2,
  lastHeaderHash: 'ff',
  endorsementPolicies: ['MAJORITY (2) of [CommunityMSP, EnterpriseMSP, UtilityMSP]'],
  checks: { signatures: true, certificateChains: true },
};

describe('csvField', () => {
  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' padded', '" padded"'],
    ['', ''],
  ])('%j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  test.each([
    ['=HYPERLINK("http://evil","click")', `"'=HYPERLINK(""http://evil"",""click"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
  ])('text a spreadsheet would run as a formula is kept text: %j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  test('numbers are numbers, negative ones too', () => {
    expect(csvField(-5)).toBe('-5');
  });

  test('non-strings', () => {
    expect(csvField(12)).toBe('12');
    expect(csvField(false)).toBe('false');
    expect(csvField(10n ** 20n)).toBe('100000000000000000000');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(['A', 'B'])).toBe('A;B');
    expect(csvField(Uint8Array.of(0xde, 0xad))).toBe('dead');
    expect(csvField({ a: 1 })).toBe('"{\n  ""a"": 1\n}"');
  });
});

describe('toCsv', () => {
  test('header from the first row, CRLF after every line', () => {
    expect(
      toCsv([
        { id: 'T-1', note: 'x,y' },
        { id: 'T-2', note: '' },
      ]),
    ).toBe('id,note\r\nT-1,"x,y"\r\nT-2,\r\n');
  });

  test('explicit columns choose and order the fields', () => {
    expect(toCsv([{ a: 1, b: 2, c: 3 }], ['c', 'a'])).toBe('c,a\r\n3,1\r\n');
  });

  test('an optional UTF-8 byte order mark for spreadsheet programs', () => {
    expect(toCsv([{ name: '社区合作社' }], ['name'], { bom: true })).toBe('\uFEFFname\r\n社区合作社\r\n');
    expect(toCsv([{ name: 'x' }]).startsWith('\uFEFF')).toBe(false);
  });

  test('no rows: an empty table, or just the header when the columns are given', () => {
    expect(toCsv([])).toBe('\r\n');
    expect(toCsv<{ a: number }>([], ['a'])).toBe('a\r\n');
  });

  test('round-trips through a strict RFC 4180 reader', () => {
    const rows = [{ text: 'he said "no", then\r\nleft' }, { text: 'ok' }];
    expect(parseCsv(toCsv(rows))).toEqual([['text'], [rows[0]!.text], ['ok']]);
  });
});

describe('verify report helpers', () => {
  test('breaks and invalid transactions as CSV tables', () => {
    expect(breaksCsv(report)).toBe(
      'block,txIndex,txId,reason,detail\r\n' +
        '2,,,DATA_HASH,"data_hash 00 in the header, 11 computed"\r\n' +
        '2,0,cd,ENDORSEMENT_POLICY,endorsed by [UtilityMSP]; needs 2\r\n',
    );
    expect(invalidTxCsv(report)).toBe(
      'block,txIndex,txId,validationCode,chaincode,creatorMsp,endorserMsps,reason\r\n' +
        '1,1,ab,MVCC_READ_CONFLICT,estp,UtilityMSP,UtilityMSP;EnterpriseMSP,"a key it read was changed, ""concurrently"""\r\n',
    );
  });

  test('JSON keeps the report shape, ends with a newline, and encodes bigints and bytes', () => {
    const json = toJson(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json.endsWith('}\n')).toBe(true);
    expect(toJson({ n: 2n ** 64n, hash: Uint8Array.of(1, 2) })).toBe(
      '{\n  "n": "18446744073709551616",\n  "hash": "0102"\n}\n',
    );
  });

  test('exit code 1 when a break was found', () => {
    expect(verifyExitCode(report)).toBe(1);
    expect(verifyExitCode({ ok: true })).toBe(0);
  });

  test('human summary', () => {
    expect(formatVerifyReport(report)).toBe(
      'BROKEN: blocks 0..2 (3 read), 4 transactions (2 of the audited chaincode), 1 invalid, 2 breaks\n' +
        'break: block 2: DATA_HASH: data_hash 00 in the header, 11 computed\n' +
        'break: block 2 tx 0 (cd): ENDORSEMENT_POLICY: endorsed by [UtilityMSP]; needs 2\n' +
        'invalid: block 1 tx 1 (ab): MVCC_READ_CONFLICT: a key it read was changed, "concurrently" [creator UtilityMSP, endorsers UtilityMSP, EnterpriseMSP]\n' +
        'endorsement policy: MAJORITY (2) of [CommunityMSP, EnterpriseMSP, UtilityMSP]\n' +
        'last header hash: ff\n',
    );
    const empty = {
      ...report,
      ok: true,
      blocks: 0,
      transactions: 0,
      chaincodeTransactions: 0,
      firstBlock: null,
      lastBlock: null,
      breaks: [],
      invalid: [],
      lastHeaderHash: null,
      endorsementPolicies: [],
    };
    expect(formatVerifyReport({ ...empty, checks: { signatures: true, certificateChains: false } })).toBe(
      'OK: no blocks (0 read), 0 transactions (0 of the audited chaincode), 0 invalid, 0 breaks\n' +
        'note: certificates were not checked against the channel configuration (no MSP definitions)\n',
    );
  });
});

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes), for the round trip. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else {
          field += text[i]!;
          i++;
        }
      }
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else {
      field += text[i]!;
      i++;
    }
  }
  return records;
}
