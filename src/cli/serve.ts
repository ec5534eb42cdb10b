import { type ReferenceServer, type SpooledGeneration, startReferenceServer } from '../testing';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly simulate: boolean;
  readonly generation: SpooledGeneration;
  readonly sseIds: boolean;
  /** Answer CORS preflights and accept WebSocket upgrades from any Origin. */
  readonly cors: boolean;
  readonly out: NodeJS.WritableStream;
}

/** `rx-realtime serve`: the reference server on a port, until stopped. */
export async function serve(options: ServeOptions): Promise<ReferenceServer> {
  const server = await startReferenceServer({
    port: options.port,
    host: options.host,
    simulate: options.simulate,
    generation: options.generation,
    sseIds: options.sseIds,
    cors: options.cors,
  });
  options.out.write(
    [
      `rx-realtime reference server (Spooled ${options.generation}${options.simulate ? ', simulating traffic' : ''}${options.cors ? ', CORS for any origin' : ''})`,
      `  Spooled   ${server.url}          key ${server.spooled.apiKey}`,
      `            ${server.wsUrl}/api/v1/ws`,
      `  Miosa     ${server.miosa.baseUrl}   key ${server.miosa.apiKey}`,
      `  drop all  POST ${server.url}/__reference/drop`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  return server;
}
