// The SOVD API root every href and Location the gateway builds starts with (spec/api.md §1.1).
export const API_BASE = '/api/v1';
