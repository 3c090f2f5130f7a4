// Names the page gives to what the engine and the splitter detect.

const SHAPES = {
  ecs: ['ECS document', 'ECS documents'],
  azure_record: ['raw Azure record', 'raw Azure records'],
  azure_records: ['Azure {"records": [...]} envelope', 'Azure {"records": [...]} envelopes'],
  graph_item: ['Graph API directoryAudit item', 'Graph API directoryAudit items'],
  graph_page: ['Graph API page', 'Graph API pages'],
  wrapped_record: ['Filebeat or Agent document holding a raw record', 'Filebeat or Agent documents holding raw records'],
  search_hit: ['Elasticsearch search hit', 'Elasticsearch search hits'],
  search_response: ['Elasticsearch _search response', 'Elasticsearch _search responses'],
  not_an_object: ['value that is not an object', 'values that are not objects'],
};

const FORMATS = { ndjson: 'NDJSON', array: 'a JSON array', documents: 'JSON documents', empty: 'no input' };

/** `shape` in words, singular or plural. */
export function shapeLabel(shape, number = 1) {
  const [one, many] = SHAPES[shape] ?? [shape, shape];
  return number === 1 ? one : many;
}

export function formatLabel(format) {
  return FORMATS[format] ?? format;
}
