"""The seed's 2-layer MLP, written out once as an independent reference for tests and benchmarks.

Tanh hidden layer, linear output, ``delta2 = a2 - y`` (no factor 2: half the MSE's gradient), and the
parameter update inside `backward`, exactly as the seed page wrote it.
"""

import numpy as np


class SeedMLP:
    """The seed's network: tanh hidden layer, linear output, delta2 = a2 - y, update inside backward."""

    def __init__(self, W1, b1, W2, b2):
        self.weights1, self.bias1 = W1.copy(), b1.reshape(1, -1).copy()
        self.weights2, self.bias2 = W2.copy(), b2.reshape(1, -1).copy()

    def forward(self, X):
        self.z1 = np.dot(X, self.weights1) + self.bias1
        self.a1 = np.tanh(self.z1)
        self.z2 = np.dot(self.a1, self.weights2) + self.bias2
        self.a2 = self.z2
        return self.a2

    def backward(self, X, y, learning_rate):
        m = X.shape[0]
        delta2 = self.a2 - y
        dw2 = 1 / m * np.dot(self.a1.T, delta2)
        db2 = 1 / m * np.sum(delta2, axis=0)
        delta1 = np.dot(delta2, self.weights2.T) * (1 - np.power(self.a1, 2))
        dw1 = 1 / m * np.dot(X.T, delta1)
        db1 = 1 / m * np.sum(delta1, axis=0)
        self.weights2 -= learning_rate * dw2
        self.bias2 -= learning_rate * db2
        self.weights1 -= learning_rate * dw1
        self.bias1 -= learning_rate * db1

    def epoch(self, X, y, learning_rate):
        output = self.forward(X)
        self.backward(X, y, learning_rate)
        return np.mean(np.square(output - y))

    def gradient_descent(self, X, y, epochs, learning_rate):
        """The seed's training loop; returns the plain MSE printed each epoch."""
        return [self.epoch(X, y, learning_rate) for _ in range(epochs)]
