import { leadSchema, resultSchema } from '@accord/engine';
import { z } from 'zod';
import {
  evaluateRequestSchema,
  MAX_BATCH,
  MAX_VERSION,
  MAX_WARNINGS_PER_LEAD,
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
          summary: 'Evaluate one lead or a batch',
          parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/EvaluateRequest' } },
            },
          },
          responses: {
            '200': {
              description:
                'One result per lead, in order; a bad lead in a batch carries its own error.',
              content: {
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
