namespace VaeSharp.Serialization;

/// <summary>The files <see cref="OnnxExport"/> wrote and their inputs.</summary>
/// <param name="EncoderPath">encoder.onnx: inputs → mu, logvar.</param>
/// <param name="DecoderPath">decoder.onnx: inputs → mean.</param>
/// <param name="EncoderInputs">The encoder's inputs: x, and label for a conditional model.</param>
/// <param name="DecoderInputs">The decoder's inputs: z, and label for a conditional model.</param>
public sealed record OnnxExportResult(string EncoderPath, string DecoderPath, IReadOnlyList<string> EncoderInputs, IReadOnlyList<string> DecoderInputs);
