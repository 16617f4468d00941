// Entry point of the fleet console (fleet.html, served by `medkit fleet` at /): same styles, models and
// components as the robot UI, its own shell and pages (src/fleet/).
import { render } from 'preact';
import { resolveGatewayUrl } from './api/gateway-url';
import { FleetApp } from './fleet/app';
import './styles.css';

const root = document.getElementById('app');
// ?gateway= points the console at another fleet (development); otherwise the fleet that served the page.
if (root) render(<FleetApp gateway={resolveGatewayUrl(window.location.search, null)} />, root);
