namespace VaeSharp.Serialization;

/// <summary>The files <see cref="OnnxExport"/> wrote.</summary>
/// <param name="EncoderPath">encoder.onnx: x [, label] → mu, logvar.</param>
/// <param name="DecoderPath">decoder.onnx: z [, label] → mean.</param>
public sealed record OnnxExportResult(string EncoderPath, string DecoderPath);
