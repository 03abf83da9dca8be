// A TypeDoc plugin: `@property name - text` in the comment of a function or method documents a property of its inline
// return type (`forward(x): { output: Tensor; h: Tensor }`), as `@param opts.name` documents one of an inline parameter;
// on a type alias it reaches the object literal inside an intersection (`Module & { forward(x: Tensor): Tensor }`).
import { Comment, Converter, DeclarationReflection, IntersectionType, ReflectionKind, ReflectionType, SignatureReflection } from 'typedoc';

/** The object-literal declarations a comment's `@property` tags may name: the type itself or an intersection's members. */
const literals = (type) =>
  type instanceof ReflectionType ? [type.declaration]
    : type instanceof IntersectionType ? type.types.filter((t) => t instanceof ReflectionType).map((t) => t.declaration) : [];

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE, (_context, reflection) => {
    const isAlias = reflection instanceof DeclarationReflection && reflection.kindOf(ReflectionKind.TypeAlias);
    if (!reflection.comment || !(reflection instanceof SignatureReflection || isAlias)) return;
    const found = literals(reflection.type);
    for (const tag of reflection.comment.blockTags) {
      if ((tag.tag !== '@property' && tag.tag !== '@prop') || !tag.name) continue;
      const literal = found.find((d) => d.getChildByName(tag.name));
      if (!literal) continue;
      if (isAlias) { // an intersection's literal is not a child of the alias: document the member directly
        const child = literal.getChildByName(tag.name);
        child.comment = new Comment(Comment.cloneDisplayParts(tag.content));
        for (const sig of child.signatures ?? []) sig.comment = new Comment(Comment.cloneDisplayParts(tag.content));
        tag.name = undefined; // TypeDoc drops the tag itself
      } else tag.name = `${literal.name}.${tag.name}`;
    }
  }, 100); // before TypeDoc's own comment handling moves @property tags to the children they name
}
