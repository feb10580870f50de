// Keyboard shortcuts. One listener on the document; views register the
// keys they handle while mounted (the most recent registration wins).
// Keys typed into a text field are the field's; Escape leaves the field.
import { useEffect, useRef } from 'preact/hooks';

type Handlers = Record<string, (e: KeyboardEvent) => void>;
const stack: { current: Handlers }[] = [];

function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (typing(e)) {
    // Escape leaves the field, so that the next key is a shortcut again
    if (e.key === 'Escape') (e.target as HTMLElement).blur();
    return;
  }
  for (let i = stack.length - 1; i >= 0; i--) {
    const h = stack[i].current[e.key];
    if (h) {
      e.preventDefault();
      h(e);
      return;
    }
  }
});

export function useKeys(handlers: Handlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    stack.push(ref);
    return () => {
      const i = stack.indexOf(ref);
      if (i >= 0) stack.splice(i, 1);
    };
  }, []);
}

// The ticket numbers of the queue page last shown, for j/k in a ticket.
export const queueOrder: { numbers: number[]; path: string } = { numbers: [], path: '/' };
