// A small fixed entity tree for feature tests that need entities but not discovery.
import type { GatewayFeature } from '../../src/feature.js';
import { newApp, newArea, newComponent, newFunction, type Entity, type EntityType } from '../../src/entities/model.js';

export function fixtureEntities(): Entity[] {
  return [
    newArea('base', 'manifest', { name: 'Base', namespace: '/base' }),
    newComponent('main-computer', 'manifest', { name: 'Main computer', area: 'base' }),
    newApp('battery-monitor', 'manifest', { name: 'Battery monitor', component_id: 'main-computer', bound_fqn: '/base/battery_monitor', is_online: true }),
    newApp('motor-controller', 'manifest', { name: 'Motor controller', component_id: 'main-computer', bound_fqn: '/base/motor_controller', is_online: true }),
    newFunction('power', 'manifest', { name: 'Power', hosts: ['battery-monitor'] }),
  ];
}


/** Installs the fixture tree into the resolver. */
export function fixtureEntitiesFeature(entities: { type: EntityType; entity: Entity }[] = defaultTyped()): GatewayFeature {
  return {
    name: 'fixture-entities',
    init(ctx) {
      ctx.resolver.setLookup({
        get: (type, id) => entities.find((e) => e.type === type && e.entity.id === id)?.entity,
        typesOf: (id) => entities.filter((e) => e.entity.id === id).map((e) => e.type),
      });
    },
  };
}

function defaultTyped(): { type: EntityType; entity: Entity }[] {
  const types: EntityType[] = ['area', 'component', 'app', 'app', 'function'];
  return fixtureEntities().map((entity, i) => ({ type: types[i], entity }));
}
