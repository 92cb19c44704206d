import { leadSchema, resultSchema } from '@accord/engine';
import { z } from 'zod';
import {
  evaluateRequestSchema,
  MAX_BATCH,
  MAX_VERSION,
  MAX_NDJSON_LINE_BYTES,
  MAX_WARNINGS_PER_LEAD,
  NDJSON_TYPE,
  REQUESTS_PER_KEY_PER_MINUTE,
  UNKNOWN_KEY_REQUESTS_PER_MINUTE,
} from './evaluate-route';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    path: z
      .string()
      .describe('Where in the request the problem is, e.g. leads[3].attributes.email'),
    requestId: z
      .string()
      .optional()
      .describe('The request id, as in the x-request-id header (the server log carries it too)'),
  }),
});

const json = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });

/**
 * The OpenAPI 3.1 document of the REST API, generated from the same zod schemas that validate
 * requests (JSON Schema 2020-12 is OpenAPI 3.1's schema dialect).
 */
export function openApiDocument() {
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Accord evaluation API',
      version: '1.0.0',
      description: 'Qualify leads with the published version of a lead-qualification workflow.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An Accord API key (acc_…)' },
      },
      schemas: {
        Lead: json(leadSchema),
        EvaluateRequest: {
          ...json(evaluateRequestSchema),
          properties: {
            ...(json(evaluateRequestSchema) as { properties: object }).properties,
            lead: { $ref: '#/components/schemas/Lead' },
            leads: {
              type: 'array',
              maxItems: MAX_BATCH,
              items: { $ref: '#/components/schemas/Lead' },
            },
          },
        },
        Result: json(resultSchema),
        Warning: {
          type: 'object',
          required: ['path', 'message'],
          properties: {
            path: {
              type: 'string',
              description:
                'Where in the lead, e.g. attributes.shoe_size (empty for the count of the rest)',
            },
            message: { type: 'string' },
          },
        },
        Error: json(errorSchema),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/workflows/{slug}/schema': {
        get: {
          operationId: 'leadSchema',
          summary: 'The JSON Schema of the lead a version reads',
          description:
            "A JSON Schema (draft 2020-12) of the lead the published version (or the one named) reads: `id`, an `attributes` property per field it reads (title = the field's label, the value types evaluate accepts, enum options), the event types it reads with their properties. Built from the field catalog the version pinned, so a change of the workspace's fields does not change it. Check a CRM integration against it.",
          parameters: [
            { name: 'slug', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'version',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: MAX_VERSION },
              description: 'Version number; default: the published one',
            },
          ],
          responses: {
            '200': {
              description: 'A JSON Schema (draft 2020-12) of a lead.',
              content: {
                'application/json': {
                  schema: { $ref: 'https://json-schema.org/draft/2020-12/schema' },
                },
              },
            },
            '400': errorResponse('The query is malformed; `path` names the parameter.'),
            '401': errorResponse('Missing, unknown or revoked API key.'),
            '404': errorResponse(
              "Unknown workflow or version (another workspace's workflows answer the same).",
            ),
            '409': errorResponse('The workflow has no published version.'),
            '429': errorResponse('Rate limited, as evaluate (the two share the budget).'),
          },
        },
      },
      '/v1/workflows/{slug}/evaluate': {
        post: {
          operationId: 'evaluate',
          summary: 'Evaluate one lead or a batch (JSON), or a stream of leads (NDJSON)',
          description: `With \`Content-Type: ${NDJSON_TYPE}\` the body is one lead per line, any number of lines (each at most ${MAX_NDJSON_LINE_BYTES} bytes), and the answer is one line per non-blank input line, in order, both streamed: read the answer while you send. \`version\` and \`asOf\` then come in the query, and the version named in the \`x-accord-version\` header answers the whole stream, even if another is published meanwhile. A bad line (not JSON, too long, nested too deep, a lead that fails its check) gets its own error line; the others go on.`,
          parameters: [
            { name: 'slug', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'explain',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['true', 'false'], default: 'true' },
              description:
                'false: each result carries only leadId, stage and scores (and warnings when the lead has any)',
            },
            {
              name: 'version',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: MAX_VERSION },
              description: `${NDJSON_TYPE} only (JSON: in the body): version number; default: the published one`,
            },
            {
              name: 'asOf',
              in: 'query',
              required: false,
              schema: { type: 'string', format: 'date-time' },
              description: `${NDJSON_TYPE} only (JSON: in the body): evaluation time of every line; default: when the request starts`,
            },
          ],
          requestBody: {
            required: true,
            description: `JSON: one lead or a batch in an envelope. ${NDJSON_TYPE}: one lead (the schema) per line; blank lines are skipped.`,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/EvaluateRequest' } },
              [NDJSON_TYPE]: { schema: { $ref: '#/components/schemas/Lead' } },
            },
          },
          responses: {
            '200': {
              description:
                'One result per lead, in order; a bad lead in a batch carries its own error.',
              headers: {
                'x-accord-version': {
                  description: 'The version number that answered (the whole stream, for NDJSON)',
                  schema: { type: 'integer' },
                },
                'x-accord-version-id': {
                  description: 'NDJSON: the id of that version',
                  schema: { type: 'string' },
                },
                'x-accord-version-hash': {
                  description: 'NDJSON: the content hash of that version',
                  schema: { type: 'string' },
                },
                'x-accord-workflow': {
                  description: 'NDJSON: the workflow slug',
                  schema: { type: 'string' },
                },
                'x-accord-as-of': {
                  description: 'NDJSON: the evaluation time of every line',
                  schema: { type: 'string', format: 'date-time' },
                },
              },
              content: {
                [NDJSON_TYPE]: {
                  schema: {
                    description:
                      'One line per non-blank input line, in order; `line` is its 1-based number in the body. A failure on our side ends the stream with a last line {"error":{…}} naming the first line not answered.',
                    oneOf: [
                      {
                        description: 'A result (explain=true): as a JSON result, with `line`',
                        allOf: [
                          { $ref: '#/components/schemas/Result' },
                          {
                            type: 'object',
                            required: ['line', 'leadId', 'workflow', 'version', 'warnings'],
                            properties: {
                              line: { type: 'integer' },
                              leadId: { type: 'string' },
                              workflow: { type: 'string' },
                              version: { type: 'integer' },
                              warnings: {
                                type: 'array',
                                items: { $ref: '#/components/schemas/Warning' },
                              },
                            },
                          },
                        ],
                      },
                      {
                        description: 'A result with explain=false',
                        type: 'object',
                        required: ['line', 'leadId', 'stage', 'scores'],
                        properties: {
                          line: { type: 'integer' },
                          leadId: { type: 'string' },
                          stage: { type: 'string' },
                          scores: { type: 'object', additionalProperties: { type: 'number' } },
                          warnings: {
                            type: 'array',
                            items: { $ref: '#/components/schemas/Warning' },
                          },
                        },
                      },
                      {
                        description:
                          "A bad line: `path` is relative to the line's lead (e.g. attributes.email); code PAYLOAD_TOO_LARGE for a line over the limit",
                        allOf: [
                          { $ref: '#/components/schemas/Error' },
                          {
                            type: 'object',
                            required: ['line', 'leadId'],
                            properties: {
                              line: { type: 'integer' },
                              leadId: { type: ['string', 'null'] },
                            },
                          },
                        ],
                      },
                    ],
                  },
                },
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      results: {
                        type: 'array',
                        items: {
                          oneOf: [
                            {
                              allOf: [
                                { $ref: '#/components/schemas/Result' },
                                {
                                  type: 'object',
                                  properties: {
                                    leadId: { type: 'string' },
                                    workflow: { type: 'string' },
                                    version: { type: 'integer' },
                                    warnings: {
                                      type: 'array',
                                      description: `What the version's field catalog ignores in this lead: attributes and event properties it does not know, enum values outside its options. At most ${MAX_WARNINGS_PER_LEAD}, then one entry counting the rest.`,
                                      items: { $ref: '#/components/schemas/Warning' },
                                    },
                                  },
                                },
                              ],
                            },
                            { $ref: '#/components/schemas/Error' },
                          ],
                        },
                      },
                    },
                  },
                },
              },
            },
            '400': errorResponse(
              "The request or a lead is malformed, or a lead value does not fit its field type in the version's field catalog; `path` names the field.",
            ),
            '401': errorResponse('Missing, unknown or revoked API key.'),
            '404': errorResponse(
              "Unknown workflow or version (another workspace's workflows answer the same).",
            ),
            '409': errorResponse('The workflow has no published version.'),
            '413': errorResponse('The request body is larger than the limit.'),
            '429': errorResponse(
              `Rate limited: ${REQUESTS_PER_KEY_PER_MINUTE.toLocaleString('en-US')} requests a minute per API key, ${UNKNOWN_KEY_REQUESTS_PER_MINUTE} per address without a known key (by default).`,
            ),
          },
        },
      },
    },
  };
}
