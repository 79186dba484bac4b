using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>A model's loss and its named terms averaged over a data set, per example in nats.</summary>
/// <param name="Loss">The average loss.</param>
/// <param name="Terms">The average of each term, in the model's order.</param>
/// <param name="Count">Number of examples.</param>
public sealed record LossSummary(double Loss, IReadOnlyList<TermValue> Terms, int Count)
{
    /// <summary>The average of term <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such term.</exception>
    public double this[string name] => Terms.FirstOrDefault(t => t.Name == name) is { Name: not null } t ? t.Value
        : throw new KeyNotFoundException($"No loss term '{name}'; the terms are {string.Join(", ", Terms.Select(x => x.Name))}.");

    /// <summary>Accumulates per-batch losses weighted by batch size.</summary>
    internal sealed class Accumulator
    {
        private double _loss;
        private double[] _sums = [];
        private string[] _names = [];
        private int _count;

        public void Add(ModelLoss loss, int examples)
        {
            if (_names.Length == 0 && loss.Terms.Count > 0)
            {
                _names = loss.Terms.Select(t => t.Name).ToArray();
                _sums = new double[_names.Length];
            }
            _loss += loss.Total.Item() * examples;
            for (int i = 0; i < _sums.Length; i++) _sums[i] += loss.Terms[i].Value.Item() * examples;
            _count += examples;
        }

        public double RunningLoss => _loss / _count;

        public LossSummary Result(int count) => new(_loss / count, _names.Select((n, i) => new TermValue(n, _sums[i] / count)).ToArray(), count);
    }
}
