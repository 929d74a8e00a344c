//! Last in, first out: a stack.

use super::Discipline;

pub(crate) struct Lifo<T>(Vec<T>);

impl<T> Lifo<T> {
    pub(crate) fn new() -> Self {
        Self(Vec::new())
    }
}

impl<T> Discipline<T> for Lifo<T> {
    fn push(&mut self, value: T) {
        self.0.push(value);
    }

    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}
