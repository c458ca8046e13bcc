// ShoalModeler is bpmn-js's Modeler composed the way camunda-bpmn-js composes
// its Camunda 8 modeler: the Zeebe moddle extension, Camunda's modeling
// behaviours, the properties panel with the Zeebe provider, minimap and
// linting, then Shoal's own features. Nothing in bpmn-js is patched; every
// feature is a module in the array below.
import BpmnModeler from 'bpmn-js/lib/Modeler';

import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaCloudBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import MinimapModule from 'diagram-js-minimap';
import LintingModule from 'bpmn-js-bpmnlint';
import TokenSimulationModule from 'bpmn-js-token-simulation';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';

import ShoalApiModule from '../features/shoal-api';
import ToastsModule from '../features/toasts';
import FileActionsModule from '../features/file-actions';
import ProblemMarkersModule from '../features/problem-markers';
import DeployActionModule from '../features/deploy-action';
import StartInstanceModule from '../features/start-instance';
import OpenDeployedModule from '../features/open-deployed';
import AppShortcutsModule from '../features/app-shortcuts';

export default function ShoalModeler(options = {}) {
  const { moddleExtensions, ...rest } = options;
  BpmnModeler.call(this, {
    ...rest,
    moddleExtensions: { zeebe: zeebeModdle, ...moddleExtensions }
  });
}

ShoalModeler.prototype = Object.create(BpmnModeler.prototype, {
  constructor: { value: ShoalModeler, writable: true, configurable: true }
});

// What camunda-bpmn-js adds to every modeler (lib/base/Modeler.js).
const extensionModules = [
  MinimapModule,
  LintingModule,
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule
];

// What makes it a Camunda 8 (Zeebe) modeler (lib/camunda-cloud/Modeler.js).
const camundaCloudModules = [
  CamundaCloudBehaviorsModule,
  ZeebePropertiesProviderModule
];

// Play a process in the browser without the engine (Camunda Modeler's
// token simulation plugin).
const simulationModules = [
  TokenSimulationModule
];

// Shoal's features: talking to the engine and the app around the canvas.
const shoalModules = [
  ShoalApiModule,
  ToastsModule,
  FileActionsModule,
  ProblemMarkersModule,
  DeployActionModule,
  StartInstanceModule,
  OpenDeployedModule,
  AppShortcutsModule
];

ShoalModeler.prototype._modules = [].concat(
  BpmnModeler.prototype._modules,
  extensionModules,
  camundaCloudModules,
  simulationModules,
  shoalModules
);
