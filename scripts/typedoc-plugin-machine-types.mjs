// @ts-check
/**
 * TypeDoc plugin: shortens the inferred `StateMachine<…>` types of `sseMachine`, `connectionMachine`
 * and `createConnectionMachine`.
 *
 * XState infers fifteen type arguments from the chart's config and implementation maps (every
 * state, transition, action and guard). TypeDoc renders them as hundreds of anonymous members,
 * which `validation.notDocumented` then reports one by one, although they are compiler output, not
 * authored API: the chart itself is documented in the README and in `visualizations/`. This keeps
 * the type arguments that name a documented export (`SseMachineContext`, `SseMachineEvent`,
 * `SseMachineInput`, `SseMachineEmitted`) and prints `…` for the rest. Nothing else is touched, so
 * a missing comment anywhere else is still a warning.
 */
import { Converter, ReferenceType, ReflectionKind, UnknownType } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    const owners = project
      .getReflectionsByKind(ReflectionKind.Variable | ReflectionKind.CallSignature)
      .filter(
        (r) =>
          'type' in r &&
          r.type instanceof ReferenceType &&
          r.type.name === 'StateMachine' &&
          r.type.package === 'xstate',
      );
    for (const owner of owners) {
      const type = /** @type {ReferenceType} */ (/** @type {{ type: unknown }} */ (owner).type);
      type.typeArguments = type.typeArguments?.map((arg) =>
        arg instanceof ReferenceType && arg.reflection !== undefined ? arg : new UnknownType('…'),
      );
      // The anonymous members of the dropped arguments are registered under the owner: unregister them.
      for (const literal of project.getReflectionsByKind(ReflectionKind.TypeLiteral)) {
        if (literal.parent === owner) project.removeReflection(literal);
      }
    }
  });
}
