/**
 * A small JSON Schema checker for the keywords our generated schema uses (no new dependency): enough to prove the
 * example config is valid for editors and that typical mistakes are flagged. Unknown keywords fail loudly so the
 * checker never silently accepts a schema it does not understand.
 */
type SchemaObject = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'examples', 'readOnly', 'writeOnly', '$defs']);
const KEYWORDS = new Set([
  'type', 'const', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minItems', 'maxItems', 'items', 'properties', 'required', 'additionalProperties', 'propertyNames', 'oneOf', 'anyOf', 'allOf', '$ref',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

export function checkJsonSchema(root: SchemaObject, value: unknown): string[] {
  const errors: string[] = [];
  const check = (schema: SchemaObject, data: unknown, at: string): void => {
    for (const key of Object.keys(schema)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`checker does not support keyword "${key}" at ${at}`);
    }
    const fail = (message: string): void => {
      errors.push(`${at || '/'}: ${message}`);
    };
    if (typeof schema.$ref === 'string') {
      const target = schema.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as SchemaObject)[part], root);
      check(target as SchemaObject, data, at);
    }
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => typeMatches(data, t))) {
        fail(`expected ${types.join('|')}, got ${typeOf(data)}`);
        return;
      }
    }
    if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(data)) fail(`expected const ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.some((v) => JSON.stringify(v) === JSON.stringify(data))) fail(`not in enum: ${JSON.stringify(data)}`);
    if (typeof data === 'string') {
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(data)) fail(`does not match ${schema.pattern}`);
      const length = Array.from(data).length; // JSON Schema counts code points
      if (typeof schema.minLength === 'number' && length < schema.minLength) fail(`shorter than ${schema.minLength}`);
      if (typeof schema.maxLength === 'number' && length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    }
    if (typeof data === 'number') {
      if (typeof schema.minimum === 'number' && data < schema.minimum) fail(`< minimum ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && data > schema.maximum) fail(`> maximum ${schema.maximum}`);
      if (typeof schema.exclusiveMinimum === 'number' && data <= schema.exclusiveMinimum) fail(`<= exclusiveMinimum`);
      if (typeof schema.exclusiveMaximum === 'number' && data >= schema.exclusiveMaximum) fail(`>= exclusiveMaximum`);
    }
    if (Array.isArray(data)) {
      if (typeof schema.minItems === 'number' && data.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
      if (typeof schema.maxItems === 'number' && data.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
      if (schema.items && typeof schema.items === 'object') data.forEach((item, i) => { check(schema.items as SchemaObject, item, `${at}/${i}`); });
    }
    if (typeOf(data) === 'object') {
      const object = data as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
      for (const name of (schema.required ?? []) as string[]) if (!(name in object)) fail(`missing required property "${name}"`);
      for (const [name, item] of Object.entries(object)) {
        if (schema.propertyNames) check(schema.propertyNames as SchemaObject, name, `${at}/${name} (name)`);
        const propertySchema = properties[name];
        if (propertySchema) check(propertySchema, item, `${at}/${name}`);
        else if (schema.additionalProperties === false) fail(`unknown property "${name}"`);
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') check(schema.additionalProperties as SchemaObject, item, `${at}/${name}`);
      }
    }
    const branchErrors = (branch: SchemaObject): number => {
      const before = errors.length;
      check(branch, data, at);
      return errors.splice(before).length;
    };
    if (Array.isArray(schema.oneOf)) {
      const passing = (schema.oneOf as SchemaObject[]).filter((branch) => branchErrors(branch) === 0).length;
      if (passing !== 1) fail(`matches ${passing} oneOf branches, expected exactly 1`);
    }
    if (Array.isArray(schema.anyOf) && !(schema.anyOf as SchemaObject[]).some((branch) => branchErrors(branch) === 0)) fail('matches no anyOf branch');
    if (Array.isArray(schema.allOf)) for (const branch of schema.allOf as SchemaObject[]) check(branch, data, at);
  };
  check(root, value, '');
  return errors;
}
