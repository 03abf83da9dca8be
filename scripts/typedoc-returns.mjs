// A TypeDoc plugin: `@property name - text` documents a member of an inline object type that TypeDoc's own `@property`
// cannot reach — the return type of a function or method (`forward(x): { output: Tensor; h: Tensor }`), the members of
// a union or intersection alias (`type TrainEvent = { type: 'step'; … } | …`), or a property's inline type, including
// a callback's result (`lossOf: (batch) => { loss: Tensor; count: number }`), or an interface property's inline type
// (`states: { h: Tensor; c?: Tensor }[]`) — as `@param opts.name` does for an inline parameter type. Every inline
// object type there with a member of that name gets the text.
import { ArrayType, Comment, Converter, DeclarationReflection, IntersectionType, ReflectionType, SignatureReflection, UnionType } from 'typedoc';

/** The inline object types reachable from `type`: itself, union / intersection members, and callback results. */
function literals(type, out = []) {
  if (type instanceof ReflectionType) {
    out.push(type.declaration);
    for (const sig of type.declaration.signatures ?? []) literals(sig.type, out);
  } else if (type instanceof UnionType || type instanceof IntersectionType) {
    for (const t of type.types) literals(t, out);
  } else if (type instanceof ArrayType) literals(type.elementType, out);
  return out;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE, (_context, reflection) => {
    if (!reflection.comment || !(reflection instanceof SignatureReflection || reflection instanceof DeclarationReflection)) return;
    const found = literals(reflection.type);
    if (reflection instanceof DeclarationReflection) for (const c of reflection.children ?? []) literals(c.type, found);
    for (const tag of reflection.comment.blockTags) {
      if ((tag.tag !== '@property' && tag.tag !== '@prop') || !tag.name) continue;
      if (reflection instanceof DeclarationReflection && reflection.children?.some((c) => c.name === tag.name)) continue; // TypeDoc's own case
      const members = found.map((d) => d.children?.find((c) => c.name === tag.name)).filter(Boolean);
      for (const m of members) {
        m.comment = new Comment(Comment.cloneDisplayParts(tag.content));
        for (const sig of m.signatures ?? []) sig.comment = new Comment(Comment.cloneDisplayParts(tag.content));
      }
      if (members.length) tag.name = undefined; // TypeDoc then drops the tag
    }
  }, 100); // before TypeDoc's own comment handling moves @property tags to the children they name
}
