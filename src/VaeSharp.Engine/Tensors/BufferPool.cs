using System.Runtime.InteropServices;

namespace VaeSharp.Engine.Tensors;

// Per-thread pool of float arrays bucketed by exact length. A training step asks for the same
// sizes every time, so after the first step every request is served from the pool and the step
// allocates no storage. Arrays come back dirty: callers that need zeros clear them.
internal static class BufferPool
{
    [ThreadStatic] private static Dictionary<int, Stack<float[]>>? _buckets;

    public static float[] Rent(int length)
    {
        if (length == 0) return [];
        var buckets = _buckets ??= new Dictionary<int, Stack<float[]>>();
        if (buckets.TryGetValue(length, out var stack) && stack.Count > 0) return stack.Pop();
        return GC.AllocateUninitializedArray<float>(length);
    }

    public static void Return(float[] array)
    {
        if (array.Length == 0) return;
        var buckets = _buckets ??= new Dictionary<int, Stack<float[]>>();
        ref var stack = ref CollectionsMarshal.GetValueRefOrAddDefault(buckets, array.Length, out _);
        stack ??= new Stack<float[]>();
        stack.Push(array);
    }

    /// <summary>Drops every pooled array of this thread (frees memory after a large evaluation, say).</summary>
    public static void Trim() => _buckets?.Clear();
}
