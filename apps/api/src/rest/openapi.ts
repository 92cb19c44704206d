import { leadSchema, resultSchema } from '@accord/engine';
import { z } from 'zod';
import {
  evaluateRequestSchema,
  MAX_BATCH,
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
        Error: json(errorSchema),
      },
    },
    security: [{ bearer: [] }],
    paths: {
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
              'The request or a lead is malformed, or a lead value does not fit its field type; `path` names the field.',
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
