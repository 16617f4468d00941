// WAI-ARIA tabs: Left/Right/Home/End move between tabs (automatic activation), one tab stop.
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';

interface TabsProps<T extends string> {
  label: string;
  tabs: { id: T; label: string }[];
  active: T;
  onChange: (id: T) => void;
  children: ComponentChildren;
  idPrefix: string;
}

export function Tabs<T extends string>({ label, tabs, active, onChange, children, idPrefix }: TabsProps<T>) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === active);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onChange(tabs[next].id);
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`#${idPrefix}-tab-${tabs[next].id}`)?.focus());
  };
  return (
    <div class="tabs">
      <div ref={list} role="tablist" aria-label={label} class="tablist" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${t.id}`}
            aria-selected={t.id === active}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={t.id === active ? 0 : -1}
            class="tab"
            onClick={() => onChange(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${active}`} class="tabpanel" tabIndex={0}>
        {children}
      </div>
    </div>
  );
}
