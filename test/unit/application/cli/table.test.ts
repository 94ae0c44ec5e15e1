/** Human output: records as aligned tables, one record as field/value lines. */
import {
  cellText,
  formatRecord,
  formatResult,
  formatTable,
  isPage,
} from '../../../../application/src/cli/table';

describe('formatTable', () => {
  test('columns are the union of keys; text is left-, numbers right-aligned', () => {
    const table = formatTable([
      { id: 'O-1', side: 'BUY', quantityWh: 1000 },
      { id: 'O-22', side: 'SELL', quantityWh: 25, note: 'partial' },
    ]);

    expect(table.split('\n')).toEqual([
      'id    side  quantityWh  note',
      '----  ----  ----------  -------',
      'O-1   BUY         1000',
      'O-22  SELL          25  partial',
    ]);
  });

  test('arrays of scalars are comma-joined, objects compact JSON, null empty', () => {
    const table = formatTable([{ meterIds: ['M-1', 'M-2'], profile: { zone: 'A' }, reason: null }]);
    expect(table.split('\n')[2]).toBe('M-1,M-2   {"zone":"A"}');
  });

  test('long cells are cut with an ellipsis; newlines flattened', () => {
    const table = formatTable([{ text: `${'x'.repeat(50)}\nmore` }], { maxCellWidth: 10 });
    expect(table.split('\n')[2]).toBe(`${'x'.repeat(9)}…`);
  });

  test('an explicit column order is kept', () => {
    expect(formatTable([{ a: 1, b: 2 }], { columns: ['b', 'a'] }).split('\n')[0]).toBe('b  a');
  });

  test('Chinese, Japanese and Korean text takes two columns a character, and stays aligned', () => {
    const table = formatTable([
      { name: '社区能源合作社', kWh: 12 },
      { name: 'Solar Co-op', kWh: 3 },
      { name: 'ｗｉｄｅ', kWh: 100 },
    ]);
    expect(table.split('\n')).toEqual([
      'name            kWh',
      '--------------  ---',
      '社区能源合作社   12',
      'Solar Co-op       3',
      'ｗｉｄｅ        100',
    ]);
  });

  test('wide text is cut at a column, never inside a character', () => {
    expect(formatTable([{ text: '东北电网储能项目二期' }], { maxCellWidth: 9 }).split('\n')[2]).toBe(
      '东北电网…',
    );
  });

  test('no records', () => {
    expect(formatTable([])).toBe('(no records)');
  });
});

describe('formatRecord', () => {
  test('nested objects flatten to dotted names', () => {
    expect(formatRecord({ id: 'P-1', status: 'ACTIVE', profile: { gridZone: 'Z', meters: ['M-1'] } })).toBe(
      [
        'id                P-1',
        'status            ACTIVE',
        'profile.gridZone  Z',
        'profile.meters    M-1',
      ].join('\n'),
    );
  });
});

describe('formatResult', () => {
  test('a last page is a table with a record count', () => {
    expect(formatResult({ records: [{ id: 'a' }, { id: 'b' }], bookmark: '' })).toBe(
      ['id', '--', 'a', 'b', '(2 records)'].join('\n'),
    );
  });

  test('a page with a bookmark says how to get the next one', () => {
    expect(
      formatResult({ records: [{ id: 'a' }], bookmark: 'g1' })
        .split('\n')
        .at(-1),
    ).toBe('(1 records; more with --bookmark g1 or --all)');
  });

  test('lists of scalars become a value column', () => {
    expect(formatResult(['x', 'y'])).toBe(['value', '-----', 'x', 'y'].join('\n'));
  });

  test('an object is field/value lines, a scalar itself, nothing a note', () => {
    expect(formatResult({ minted: 10 })).toBe('minted  10');
    expect(formatResult(7)).toBe('7');
    expect(formatResult(null)).toBe('(no result)');
  });

  test('isPage needs records and a string bookmark', () => {
    expect(isPage({ records: [], bookmark: '' })).toBe(true);
    expect(isPage({ records: [] })).toBe(false);
    expect(cellText(10n)).toBe('10');
  });
});
