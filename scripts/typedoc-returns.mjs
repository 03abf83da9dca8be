// A TypeDoc plugin: `@property name - text` in the comment of a function or method documents a property of its inline
// return type (`forward(x): { output: Tensor; h: Tensor }`), as `@param opts.name` documents one of an inline parameter.
import { Converter, ReflectionType, SignatureReflection } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE, (_context, reflection) => {
    if (!(reflection instanceof SignatureReflection) || !reflection.comment || !(reflection.type instanceof ReflectionType)) return;
    const literal = reflection.type.declaration;
    for (const tag of reflection.comment.blockTags) {
      if ((tag.tag === '@property' || tag.tag === '@prop') && tag.name && literal.getChildByName(tag.name)) tag.name = `${literal.name}.${tag.name}`;
    }
  }, 100); // before TypeDoc's own comment handling moves @property tags to the children they name
}
