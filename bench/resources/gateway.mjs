// The gateway under test of bench/resources, in its own process: ROS connection, discovery, data and
// configurations on a loopback ROS domain. `node bench/resources/gateway.mjs <domain> <dataDir> <negCacheSec>`.
// Prints "READY <port>".
import { loadConfig, createGateway, createRosFeature, createEntitiesFeature, createDataFeature, createConfigurationsFeature } from '@medkit/gateway';

const [domain, dataDir, negCache] = process.argv.slice(2);
const features = [createRosFeature(), createEntitiesFeature(), createDataFeature(), createConfigurationsFeature()];
const config = loadConfig({
  env: {},
  extraKeys: Object.assign({}, ...features.map((f) => f.keys ?? {})),
  flags: {
    data_dir: dataDir,
    'logging.level': 'silent',
    'ros.enabled': true,
    'ros.domain_id': Number(domain),
    'ros.localhost_only': true,
    'discovery.refresh_debounce_ms': 0,
    parameter_service_negative_cache_sec: Number(negCache),
  },
});
const gw = await createGateway({ config, features });
const url = await gw.listen(0);
console.log(`READY ${new URL(url).port}`);
process.on('SIGTERM', async () => {
  await gw.close();
  process.exit(0);
});
