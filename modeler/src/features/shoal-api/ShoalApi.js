/**
 * ShoalApi talks to the gateway's Camunda 8 REST API (v2) on the same origin
 * as the page (or `config.shoalApi.baseUrl`). Every failure is an ApiError
 * carrying the RFC 9457 problem document the gateway answered with.
 *
 * @param {{ baseUrl?: string }} [config]
 */
export default function ShoalApi(config) {
  this._baseUrl = (config && config.baseUrl || '').replace(/\/$/, '');
}

ShoalApi.$inject = [ 'config.shoalApi' ];

/**
 * An answer other than 2xx, or no answer at all (status 0).
 */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

/**
 * Deploys one BPMN file: POST /v2/deployments (multipart `resources`).
 *
 * @param {string} name  the resource name, e.g. order.bpmn
 * @param {string} xml
 * @return {Promise<Object>} Camunda's DeploymentResult
 */
ShoalApi.prototype.deploy = function(name, xml) {
  const form = new FormData();
  form.append('resources', new Blob([ xml ], { type: 'application/xml' }), name);
  return this._request('POST', '/v2/deployments', form);
};

/**
 * Creates a process instance: POST /v2/process-instances.
 *
 * @param {{ processDefinitionKey?: string, processDefinitionId?: string, variables?: Object }} request
 * @return {Promise<Object>} Camunda's CreateProcessInstanceResult
 */
ShoalApi.prototype.createInstance = function(request) {
  return this._request('POST', '/v2/process-instances', request);
};

/**
 * Every deployed process definition, all versions: POST
 * /v2/process-definitions/search, page by page.
 *
 * @return {Promise<Object[]>} Camunda's ProcessDefinitionResult items
 */
ShoalApi.prototype.processDefinitions = async function() {
  const items = [];
  const limit = 1000;
  for (let from = 0; ; from += limit) {
    const r = await this._request('POST', '/v2/process-definitions/search', {
      sort: [ { field: 'processDefinitionId' }, { field: 'version', order: 'DESC' } ],
      page: { from, limit }
    });
    items.push(...(r.items || []));
    if (!r.items || r.items.length < limit || items.length >= (r.page && r.page.totalItems || 0)) {
      return items;
    }
  }
};

/**
 * The BPMN XML of a deployed process definition:
 * GET /v2/process-definitions/{key}/xml.
 *
 * @return {Promise<string>}
 */
ShoalApi.prototype.processDefinitionXML = function(key) {
  return this._request('GET', `/v2/process-definitions/${encodeURIComponent(key)}/xml`, undefined, { text: true });
};

/**
 * The cluster's topology: GET /v2/topology.
 */
ShoalApi.prototype.topology = function() {
  return this._request('GET', '/v2/topology');
};

/**
 * A search of the read model: POST /v2/<what>/search with
 * { filter, sort, page }; answers { items, page: { totalItems, ... } }.
 *
 * @param {string} what e.g. 'process-instances'
 */
ShoalApi.prototype.search = function(what, body) {
  return this._request('POST', `/v2/${what}/search`, body || {});
};

/**
 * Every item of a search, page by page (at most `max`).
 */
ShoalApi.prototype.searchAll = async function(what, filter, sort, max = 10000) {
  const items = [];
  const limit = 1000;
  for (let from = 0; from < max; from += limit) {
    const r = await this.search(what, { filter, sort, page: { from, limit } });
    items.push(...(r.items || []));
    if (!r.items || r.items.length < limit) {
      break;
    }
  }
  return items;
};

/**
 * Any other call of the REST API: get('/v2/...'), send('PATCH', '/v2/...', body).
 */
ShoalApi.prototype.get = function(path) {
  return this._request('GET', path);
};

ShoalApi.prototype.send = function(method, path, body) {
  return this._request(method, path, body);
};

ShoalApi.prototype._request = async function(method, path, body, options = {}) {
  const init = { method, headers: { accept: 'application/json, application/problem+json' } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(this._baseUrl + path, init);
  } catch (err) {
    throw new ApiError(0, 'UNAVAILABLE', `Cannot reach the Shoal gateway (${err.message})`);
  }

  const text = await response.text();
  if (options.text && response.ok) {
    return text;
  }
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (err) {
      json = null;
    }
  }
  if (!response.ok) {
    const title = json && json.title || response.statusText;
    const detail = json && json.detail || text || `HTTP ${response.status}`;
    throw new ApiError(response.status, title, detail);
  }
  return json;
};
