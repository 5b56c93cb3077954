import { encodePng } from './png';

type Rgba = [number, number, number, number];

/**
 * Keyward's icons, drawn in code so they are reproducible: a key (ring and bit) — white on the
 * accent colour for `color.png` (192×192), a white outline on transparent for `outline.png`
 * (32×32), as Teams requires.
 */
export function drawColorIcon(): Buffer {
  return draw(192, [0x1f, 0x4e, 0x79, 255], [255, 255, 255, 255], false);
}

export function drawOutlineIcon(): Buffer {
  return draw(32, [0, 0, 0, 0], [255, 255, 255, 255], true);
}

function draw(size: number, background: Rgba, ink: Rgba, outline: boolean): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const s = size / 32; // design grid is 32×32
  const ringCx = 11 * s;
  const ringCy = 16 * s;
  const outer = 7 * s;
  const inner = outline ? 5 * s : 3.2 * s;
  const inKey = (x: number, y: number): boolean => {
    const d = Math.hypot(x - ringCx, y - ringCy);
    const ring = d <= outer && d >= inner;
    const shaft = x >= ringCx + outer - s && x <= 28 * s && Math.abs(y - ringCy) <= (outline ? 1 : 1.5) * s;
    const bit1 = x >= 22 * s && x <= 24 * s && y >= ringCy && y <= ringCy + 5 * s;
    const bit2 = x >= 26 * s && x <= 28 * s && y >= ringCy && y <= ringCy + 4 * s;
    return ring || shaft || bit1 || bit2;
  };
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const colour = inKey(x + 0.5, y + 0.5) ? ink : background;
      pixels.set(colour, (y * size + x) * 4);
    }
  }
  return encodePng(size, size, pixels);
}
