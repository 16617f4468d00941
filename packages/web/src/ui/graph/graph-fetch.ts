// The one place the graph panel talks to the gateway: `GET /functions/{id}/x-medkit-graph` (graph_provider
// plugin, docs/graph.md). Kept alone so the fetch layer can be swapped without touching the view.
import type { MedkitClient, ResponseData } from '@medkit/client';

/** A Function's pipeline graph, as the graph provider's route documents it (the typed client's type). */
export type FunctionGraph = ResponseData<'/functions/{function_id}/x-medkit-graph', 'get'>['x-medkit-graph'];

export async function fetchFunctionGraph(client: MedkitClient, functionId: string, signal: AbortSignal): Promise<FunctionGraph> {
  const body = await client.get('/functions/{function_id}/x-medkit-graph', { signal, params: { path: { function_id: functionId } } });
  return body['x-medkit-graph'];
}
