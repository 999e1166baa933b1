/**
 * Images for the visible signatures of Điều 13 when the office has not uploaded its own:
 * a blue handwritten-style signature (R1) and a red round seal (R2), both PNG with a
 * transparent background, both marked as demo images so nobody takes them for real ones.
 */
async function canvasPng(w: number, h: number, draw: (c: OffscreenCanvasRenderingContext2D) => void): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext("2d")!;
  draw(ctx);
  const blob = await canvas.convertToBlob({ type: "image/png" });
  return new Uint8Array(await blob.arrayBuffer());
}

export function demoSignatureImage(name: string): Promise<Uint8Array> {
  return canvasPng(480, 200, (c) => {
    c.strokeStyle = "#1633a6";
    c.fillStyle = "#1633a6";
    c.lineWidth = 5;
    c.lineCap = "round";
    c.beginPath();
    c.moveTo(40, 140);
    c.bezierCurveTo(90, 20, 140, 190, 200, 90);
    c.bezierCurveTo(240, 30, 280, 170, 340, 100);
    c.bezierCurveTo(380, 60, 420, 130, 450, 80);
    c.stroke();
    c.font = "italic 34px serif";
    c.fillText(name.split(" ").at(-1) ?? name, 150, 70);
    c.font = "18px sans-serif";
    c.fillText("ảnh thử", 380, 190);
  });
}

export function demoSealImage(orgName: string): Promise<Uint8Array> {
  return canvasPng(400, 400, (c) => {
    c.strokeStyle = "#d11a1a";
    c.fillStyle = "#d11a1a";
    c.lineWidth = 10;
    c.beginPath();
    c.arc(200, 200, 185, 0, Math.PI * 2);
    c.stroke();
    c.lineWidth = 4;
    c.beginPath();
    c.arc(200, 200, 150, 0, Math.PI * 2);
    c.stroke();
    c.font = "bold 26px sans-serif";
    c.textAlign = "center";
    const words = orgName.toLocaleUpperCase("vi").split(" ");
    const half = Math.ceil(words.length / 2);
    c.fillText(words.slice(0, half).join(" "), 200, 185, 270);
    c.fillText(words.slice(half).join(" "), 200, 220, 270);
    c.font = "bold 22px sans-serif";
    c.fillText("DẤU THỬ", 200, 270);
    c.font = "60px serif";
    c.fillText("★", 200, 130);
  });
}
