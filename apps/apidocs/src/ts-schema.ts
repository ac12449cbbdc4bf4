import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';

/** A JSON Schema (draft-07 subset, the AsyncAPI schema format). */
export type JsonSchema = Record<string, unknown>;

/** The repository (the sources are read from it whether this runs from apps/ or from dist/). */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'tsconfig.base.json'))) return dir;
  throw new Error(`no tsconfig.base.json above ${from}`);
}
const ROOT = repositoryRoot(__dirname);

/**
 * JSON Schemas from the contracts' TypeScript types — the types the services compile against and
 * check messages with — through the compiler's own type checker, so that the bus documentation
 * cannot drift from the code. JSDoc comments become descriptions; a `@format`, `@pattern`,
 * `@maxLength` or `@example` tag on a property passes through.
 */
export class ContractTypes {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  constructor(files: string[]) {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    this.program = ts.createProgram(
      files.map((f) => join(ROOT, f)),
      { ...config?.options, noEmit: true, skipLibCheck: true, types: [] },
    );
    this.checker = this.program.getTypeChecker();
  }

  /** The exported type `name` of `file` (relative to the repository). */
  type(file: string, name: string): ts.Type {
    const source = this.program.getSourceFile(join(ROOT, file));
    if (!source) throw new Error(`not in the program: ${file}`);
    const symbol = this.checker.getSymbolAtLocation(source);
    const exported = symbol && this.checker.getExportsOfModule(symbol).find((s) => s.name === name);
    if (!exported) throw new Error(`${file} exports no ${name}`);
    return this.checker.getDeclaredTypeOfSymbol(exported);
  }

  /** `{ type: 'X'; data: D }` members of an event union, as [X, D]. */
  events(union: ts.Type): Array<[string, ts.Type]> {
    const members = union.isUnion() ? union.types : [union];
    return members.map((m) => {
      const type = this.propertyType(m, 'type');
      const data = this.propertyType(m, 'data');
      if (!type.isStringLiteral()) throw new Error(`event without a literal type: ${this.checker.typeToString(m)}`);
      return [type.value, data];
    });
  }

  /** The value of a member's literal `type` (the message kinds of the department topics). */
  literal(t: ts.Type, property: string): string | undefined {
    const p = this.propertyType(t, property);
    const literal = p.isUnion() ? p.types.find((x) => x.isStringLiteral()) : p;
    return literal?.isStringLiteral() ? literal.value : undefined;
  }

  members(union: ts.Type): ts.Type[] {
    return union.isUnion() ? union.types : [union];
  }

  schema(t: ts.Type, depth = 0): JsonSchema {
    if (depth > 12) throw new Error(`type too deep: ${this.checker.typeToString(t)}`);
    const f = t.flags;
    if (f & ts.TypeFlags.Unknown || f & ts.TypeFlags.Any) return {};
    if (f & ts.TypeFlags.TypeParameter) {
      const constraint = t.getConstraint();
      return constraint ? this.schema(constraint, depth + 1) : {};
    }
    if (t.isUnion()) return this.union(t.types, depth);
    if (t.isStringLiteral()) return { type: 'string', const: t.value };
    if (t.isNumberLiteral()) return { type: 'number', const: t.value };
    if (f & ts.TypeFlags.String) return { type: 'string' };
    if (f & ts.TypeFlags.Number) return { type: 'number' };
    if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
    if (f & ts.TypeFlags.Null) return { type: 'null' };
    if (this.checker.isArrayType(t) || this.checker.isTupleType(t)) {
      const [item] = this.checker.getTypeArguments(t as ts.TypeReference);
      return { type: 'array', items: item ? this.schema(item, depth + 1) : {} };
    }
    if (t.isIntersection()) return this.object(t, depth);
    if (f & ts.TypeFlags.Object) return this.object(t, depth);
    throw new Error(`no schema for ${this.checker.typeToString(t)}`);
  }

  private union(types: ts.Type[], depth: number): JsonSchema {
    const nullable = types.some((x) => x.flags & ts.TypeFlags.Null);
    const rest = types.filter((x) => !(x.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
    let schema: JsonSchema;
    if (rest.every((x) => x.flags & ts.TypeFlags.BooleanLiteral)) schema = { type: 'boolean' };
    else if (rest.every((x) => x.isStringLiteral())) schema = { type: 'string', enum: rest.map((x) => (x as ts.StringLiteralType).value) };
    else if (rest.length === 1) schema = this.schema(rest[0], depth + 1);
    else schema = { oneOf: rest.map((x) => this.schema(x, depth + 1)) };
    if (!nullable) return schema;
    if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'], ...(schema.enum ? { enum: [...(schema.enum as unknown[]), null] } : {}) };
    return { oneOf: [schema, { type: 'null' }] };
  }

  private object(t: ts.Type, depth: number): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const p of this.checker.getPropertiesOfType(t)) {
      const declaration = p.valueDeclaration ?? p.declarations?.[0];
      const pt = declaration ? this.checker.getTypeOfSymbolAtLocation(p, declaration) : this.checker.getTypeOfSymbol(p);
      const schema: JsonSchema = { ...this.schema(pt, depth + 1), ...this.docs(p) };
      properties[p.name] = schema;
      if (!(p.flags & ts.SymbolFlags.Optional)) required.push(p.name);
    }
    const index = this.checker.getIndexInfosOfType(t)[0];
    const out: JsonSchema = { type: 'object', properties };
    if (required.length > 0) out.required = required;
    if (index) out.additionalProperties = this.schema(index.type, depth + 1);
    return out;
  }

  private docs(p: ts.Symbol): JsonSchema {
    const out: JsonSchema = {};
    const text = ts.displayPartsToString(p.getDocumentationComment(this.checker)).trim();
    if (text) out.description = text;
    for (const tag of p.getJsDocTags(this.checker)) {
      const value = ts.displayPartsToString(tag.text).trim();
      if (tag.name === 'format' || tag.name === 'pattern') out[tag.name] = value;
      if (tag.name === 'maxLength' || tag.name === 'minLength') out[tag.name] = Number(value);
      if (tag.name === 'example') out.examples = [JSON.parse(value) as unknown];
    }
    return out;
  }

  private propertyType(t: ts.Type, name: string): ts.Type {
    const p = this.checker.getPropertyOfType(t, name);
    if (!p) throw new Error(`${this.checker.typeToString(t)} has no ${name}`);
    return this.checker.getTypeOfSymbol(p);
  }
}
