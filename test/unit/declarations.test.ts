/**
 * One declaration per transaction (chaincode/src/declarations.ts), and every consumer agrees with
 * it: the contracts (names, order, submit/evaluate, `@Param` text, description), the chaincode's
 * validation and the JSON Schema the REST API serves (a value one accepts, the other accepts; a
 * value breaking one field's schema, the parser refuses naming that field). The CLI's agreement is
 * tested in test/unit/application/cli/declared.test.ts, the reference's in reference.test.ts.
 *
 * Adding a transaction: declare it (docs/developing.md); these tests then check it like the others.
 */
import Ajv from 'ajv';
import fc from 'fast-check';
import { contracts } from '../../chaincode/src/index';
import {
  CONTRACTS,
  type ContractDeclaration,
  allDeclarations,
  findDeclaration,
  transactionSchemas,
} from '../../chaincode/src/declarations';
import { type AnyDeclaration, inputJsonSchema, inputSummary } from '../../chaincode/src/lib/declaration';
import { ErrorCode, InvalidInputError } from '../../chaincode/src/lib/errors';
import type { AnyRule, JsonSchema } from '../../chaincode/src/lib/validate';
import { chaincodeOf } from '../support/fixture';

const ajv = new Ajv({ allErrors: true, format: 'full' });
const declarations = allDeclarations();
const named = declarations.map(
  (declaration) => [`${declaration.contract}:${declaration.name}`, declaration] as const,
);

describe('the declarations', () => {
  it('name each transaction once, under the contract that holds it', () => {
    const keys = declarations.map((declaration) => `${declaration.contract}:${declaration.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [contract, entry] of Object.entries(CONTRACTS) as [string, ContractDeclaration][]) {
      for (const [name, declaration] of Object.entries(entry.transactions)) {
        expect(`${declaration.contract}:${declaration.name}`).toBe(`${contract}:${name}`);
        expect(findDeclaration(contract, name)).toBe(declaration);
      }
    }
    expect(findDeclaration('Market', 'constructor')).toBeUndefined();
  });

  it.each(named)('%s says what it does, what every field means, and what it fails with', (_, declaration) => {
    expect(declaration.summary).toMatch(/^\S.{10,}[.)]$/s);
    expect(declaration.output.description).not.toBe('');
    for (const [field, rule] of Object.entries(declaration.input.shape)) {
      expect({ field, description: rule.description?.trim() ?? '' }).toEqual({
        field,
        description: expect.stringMatching(/^\S/) as unknown,
      });
    }
    for (const entry of Object.values(declaration.transient)) expect(entry.description).not.toBe('');
    const codes: string[] = Object.values(ErrorCode);
    for (const code of Object.keys(declaration.errors)) expect(codes).toContain(code);
  });

  it('export one JSON Schema per transaction for a REST/OpenAPI layer', () => {
    const schemas = transactionSchemas();
    expect(Object.keys(schemas)).toEqual(named.map(([key]) => key));
    for (const [key, declaration] of named) {
      expect(schemas[key]).toEqual({
        kind: declaration.kind,
        summary: declaration.summary,
        input: inputJsonSchema(declaration),
        result: declaration.output.description,
        errors: expect.objectContaining({
          ESTP_INVALID_INPUT: 'naming the field',
          ...declaration.errors,
        }) as unknown,
      });
      expect(() => ajv.compile(schemas[key]?.input ?? {})).not.toThrow();
    }
  });

  it.each(named)('%s: its example is valid for the chaincode and for the JSON Schema', (_, declaration) => {
    expect(() => declaration.input.parse(JSON.stringify(declaration.example))).not.toThrow();
    const validate = ajv.compile(inputJsonSchema(declaration));
    expect(validate(declaration.example) ? [] : validate.errors).toEqual([]);
  });

  it.each(named)(
    '%s: the JSON Schema lists exactly its fields, the required ones as required',
    (_, declaration) => {
      const schema = inputJsonSchema(declaration) as {
        properties: Record<string, JsonSchema>;
        required: string[];
        additionalProperties: boolean;
      };
      const shape = Object.entries(declaration.input.shape);
      expect(Object.keys(schema.properties)).toEqual(shape.map(([field]) => field));
      expect(schema.required).toEqual(shape.filter(([, rule]) => !rule.optional).map(([field]) => field));
      expect(schema.additionalProperties).toBe(false);
      for (const [field, rule] of shape) {
        expect(schema.properties[field]?.['description']).toContain(rule.description);
        if (rule.unit !== undefined) expect(schema.properties[field]?.['x-unit']).toBe(rule.unit);
      }
    },
  );
});

/** Values a JSON Schema of lib/validate.ts accepts (the keywords its rules use). */
function valuesOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const anyOf = schema['anyOf'] as JsonSchema[] | undefined;
  if (anyOf) return fc.oneof(...anyOf.map(valuesOf));
  const values = schema['enum'] as string[] | undefined;
  if (values) return fc.constantFrom(...values);
  switch (schema['type']) {
    case 'integer':
      return fc.integer({ min: schema['minimum'] as number, max: schema['maximum'] as number });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.uniqueArray(valuesOf(schema['items'] as JsonSchema), {
        minLength: schema['minItems'] as number,
        maxLength: Math.min(schema['maxItems'] as number, 5),
        selector: (value) => JSON.stringify(value),
      });
    case 'string': {
      if (schema['format'] === 'date-time') {
        return fc
          .date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
          .map((date) => date.toISOString());
      }
      const min = schema['minLength'] as number;
      const max = schema['maxLength'] as number;
      const pattern = schema['pattern'] as string | undefined;
      const text = pattern
        ? fc.stringMatching(new RegExp(pattern))
        : fc.string({ minLength: min, maxLength: Math.min(max, 50), unit: 'grapheme' });
      return text.filter((value) => value.length >= min && value.length <= max);
    }
    case 'object': {
      const properties = schema['properties'] as Record<string, JsonSchema>;
      return fc.record(
        Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valuesOf(property)])),
        { requiredKeys: schema['required'] as string[] },
      );
    }
    default:
      throw new Error(`no generator for ${JSON.stringify(schema)}`);
  }
}

/** A value that breaks `rule`'s schema (and is not a digit string, which integers also accept). */
function breaking(rule: AnyRule): unknown[] {
  const schema = rule.schema;
  if (schema['anyOf'])
    return [true, -1, 'yesterday', '2026-06-01 10:00', '2026-02-30T00:00:00Z', '2026-06-01T24:00:00Z'];
  if (schema['enum']) return ['NOT_A_VALUE', 1];
  switch (schema['type']) {
    case 'integer': {
      const wrong: unknown[] = ['ten', 1.5, true];
      if ((schema['minimum'] as number) > Number.MIN_SAFE_INTEGER)
        wrong.push((schema['minimum'] as number) - 1);
      if ((schema['maximum'] as number) < Number.MAX_SAFE_INTEGER)
        wrong.push((schema['maximum'] as number) + 1);
      return wrong;
    }
    case 'boolean':
      return ['yes', 1];
    case 'array':
      return ['a,b', Array.from({ length: (schema['maxItems'] as number) + 1 }, (_, index) => `x${index}`)];
    case 'string':
      return [
        42,
        'x'.repeat((schema['maxLength'] as number) + 1),
        ...((schema['minLength'] as number) > 0 ? [''] : []),
        ...(schema['pattern'] ? [' not matching '] : []),
      ];
    default:
      return [];
  }
}

describe('the chaincode and the JSON Schema agree', () => {
  it.each(named)('%s: what the schema accepts, the chaincode accepts', (_, declaration) => {
    const validate = ajv.compile(inputJsonSchema(declaration));
    const shape = Object.entries(declaration.input.shape);
    const inputs = fc.record(
      Object.fromEntries(shape.map(([field, rule]) => [field, valuesOf(rule.schema)])),
      { requiredKeys: shape.filter(([, rule]) => !rule.optional).map(([field]) => field) },
    );
    fc.assert(
      fc.property(inputs, (input) => {
        expect(validate(input) ? [] : validate.errors).toEqual([]);
        expect(() => declaration.input.parse(JSON.stringify(input))).not.toThrow();
      }),
      { numRuns: 30 },
    );
  });

  it.each(named)('%s: a field breaking its schema is refused by both, naming the field', (_, declaration) => {
    const validate = ajv.compile(inputJsonSchema(declaration));
    for (const [field, rule] of Object.entries(declaration.input.shape)) {
      for (const wrong of breaking(rule)) {
        const input = { ...declaration.example, [field]: wrong };
        expect({ field, wrong, schemaAccepts: validate(input) }).toEqual({
          field,
          wrong,
          schemaAccepts: false,
        });
        let error: unknown;
        try {
          declaration.input.parse(JSON.stringify(input));
        } catch (caught) {
          error = caught;
        }
        expect({ field, wrong, error }).toEqual({
          field,
          wrong,
          error: expect.any(InvalidInputError) as unknown,
        });
        expect((error as InvalidInputError).field.split(/[.[]/)[0]).toBe(field);
      }
    }
    const unknown = { ...declaration.example, notAField: 1 };
    expect(validate(unknown)).toBe(false);
    expect(() => declaration.input.parse(JSON.stringify(unknown))).toThrow('notAField is not a known field');
  });
});

describe('the contracts agree with the declarations', () => {
  interface TransactionMetadata {
    name: string;
    tag?: string[];
    parameters?: { name: string; description?: string }[];
  }
  const metadata = chaincodeOf(contracts).metadata as unknown as {
    contracts: Record<string, { info?: { description?: string }; transactions: TransactionMetadata[] }>;
  };

  it('every contract is declared, and every declared contract runs', () => {
    const served = Object.keys(metadata.contracts).filter((name) => !name.startsWith('org.hyperledger'));
    expect(served.sort()).toEqual(Object.keys(CONTRACTS).sort());
  });

  it.each(Object.keys(CONTRACTS))('%s: the methods are the declared transactions, in order', (contract) => {
    const served = metadata.contracts[contract];
    const entry = (CONTRACTS as Record<string, ContractDeclaration>)[contract];
    const declared: AnyDeclaration[] = Object.values(entry?.transactions ?? {});
    expect(served?.info?.description).toBe(entry?.description);
    expect(served?.transactions.map((tx) => tx.name)).toEqual(
      declared.map((declaration) => declaration.name),
    );
    for (const declaration of declared) {
      const tx = served?.transactions.find((candidate) => candidate.name === declaration.name);
      expect({
        name: declaration.name,
        kind: tx?.tag?.includes('submitTx') ? 'submit' : 'evaluate',
        parameters: tx?.parameters?.map((parameter) => [parameter.name, parameter.description]),
      }).toEqual({
        name: declaration.name,
        kind: declaration.kind,
        parameters: [['input', inputSummary(declaration)]],
      });
    }
  });
});
