// The lint rules of the modeler: Camunda 8's compatibility rules
// (bpmnlint-plugin-camunda-compat), compiled into the bundle by build.mjs.
import * as compiled from 'virtual:bpmnlint-config';

/**
 * The { config, resolver } bundle bpmn-js-bpmnlint expects. Some rules carry
 * `meta` without `meta.documentation`, which bpmn-js-bpmnlint reads without
 * a guard; the resolver gives every rule's meta a documentation object.
 */
export default function lintConfig() {
  return {
    config: compiled.config,
    resolver: {
      resolveRule(pkg, ruleName) {
        const factory = compiled.resolver.resolveRule(pkg, ruleName);
        return function(config) {
          const rule = factory(config);
          if (rule && rule.meta && !rule.meta.documentation) {
            rule.meta = { ...rule.meta, documentation: {} };
          }
          return rule;
        };
      },
      resolveConfig(pkg, configName) {
        return compiled.resolver.resolveConfig(pkg, configName);
      }
    }
  };
}
