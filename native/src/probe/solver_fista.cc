#include "probe/solver_fista.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "probe/penalty_elastic_net.h"

namespace ns {
namespace probe {

namespace {

// Factor applied to L before each iteration's backtracking (1 = never lengthen the step).
constexpr double kShrink = 0.8;

struct Workspace {
  size_t C, D, T;
  std::vector<double> W, b, Wp, bp;     // x and x_prev
  std::vector<double> Wy, by;           // y
  std::vector<double> Wn, bn;           // x⁺
  std::vector<double> Z, Zp, Zy, Zn;    // logits of x, x_prev, y, x⁺
  std::vector<double> R, Rn, GW, gb, gbn;
  Workspace(size_t T_, size_t D_, size_t C_)
      : C(C_), D(D_), T(T_), W(C_ * D_, 0.0), b(C_, 0.0), Wp(C_ * D_), bp(C_), Wy(C_ * D_), by(C_), Wn(C_ * D_),
        bn(C_), Z(T_ * C_), Zp(T_ * C_), Zy(T_ * C_), Zn(T_ * C_), R(T_ * C_), Rn(T_ * C_), GW(C_ * D_), gb(C_),
        gbn(C_) {}
};

// The stopping criterion at a point with datafit gradient (GW, gb).
double kkt(const ElasticNet& h, const std::vector<double>& W, const std::vector<double>& GW,
           const std::vector<double>& gb) {
  double v = 0;
  for (size_t i = 0; i < W.size(); ++i) v = std::max(v, h.subdiff_distance(W[i], GW[i]));
  for (double g : gb) v = std::max(v, std::abs(g));
  return v;
}

size_t nonzeros(const std::vector<double>& W) {
  size_t n = 0;
  for (double w : W) n += w != 0;
  return n;
}

void check_cancel(const FistaHooks& hooks) {
  if (hooks.cancel && hooks.cancel->load(std::memory_order_relaxed)) fail(Code::Cancelled, "probe training cancelled");
}

// FISTA at one λ from the warm start in ws (W, b; Z must hold its logits). Returns the step's record.
PathStep solve_one(const LinearDatafit& f, const ElasticNet& h, double threshold, const FistaOptions& o,
                   double& L, double L_max, Workspace& ws, ThreadPool& pool, const FistaHooks& hooks) {
  const double L_min = L_max * 1e-6;
  PathStep step;
  step.lambda = h.lambda;
  const size_t n = ws.W.size(), C = ws.C;
  // Criterion at the warm start (it may already be optimal, e.g. W = 0 at λ_max).
  double fx = f.value_residual(ws.Z.data(), ws.R.data(), ws.gb.data(), pool);
  f.gradient_w(ws.R.data(), ws.GW.data(), pool);
  double Fx = fx + h.value(ws.W.data(), n);
  step.criterion = kkt(h, ws.W, ws.GW, ws.gb);
  step.objective = Fx;
  if (step.criterion <= threshold) {
    step.converged = true;
    step.nonzeros = nonzeros(ws.W);
    return step;
  }
  ws.Wp = ws.W;
  ws.bp = ws.b;
  ws.Zp = ws.Z;
  double theta = 1;
  for (size_t it = 1; it <= o.max_iterations; ++it) {
    check_cancel(hooks);
    const double theta_next = 0.5 * (1 + std::sqrt(1 + 4 * theta * theta));
    const double beta = (theta - 1) / theta_next;
    theta = theta_next;
    for (size_t i = 0; i < n; ++i) ws.Wy[i] = ws.W[i] + beta * (ws.W[i] - ws.Wp[i]);
    for (size_t c = 0; c < C; ++c) ws.by[c] = ws.b[c] + beta * (ws.b[c] - ws.bp[c]);
    for (size_t i = 0; i < ws.Z.size(); ++i) ws.Zy[i] = ws.Z[i] + beta * (ws.Z[i] - ws.Zp[i]);
    f.value_residual(ws.Zy.data(), ws.R.data(), ws.gb.data(), pool);
    f.gradient_w(ws.R.data(), ws.GW.data(), pool);
    double fn = 0;
    // Try a longer step first: the Böhning bound is global, the curvature near a solution (saturated
    // probabilities) is often much smaller. The test f(x⁺) − f(y) − ⟨∇f(y), x⁺ − y⟩ ≤ L/2‖x⁺ − y‖² uses the
    // Bregman divergence computed from the logits (datafit), not a difference of objective values, so rounding
    // does not decide it near the solution. L never exceeds the trace bound, where every step is valid.
    L = std::max(L * kShrink, L_min);
    for (;;) {
      const double s = 1.0 / L;
      double quad = 0;
      for (size_t i = 0; i < n; ++i) {
        ws.Wn[i] = h.prox(ws.Wy[i] - s * ws.GW[i], s);
        const double d = ws.Wn[i] - ws.Wy[i];
        quad += d * d;
      }
      for (size_t c = 0; c < C; ++c) {
        ws.bn[c] = ws.by[c] - s * ws.gb[c];
        const double d = ws.bn[c] - ws.by[c];
        quad += d * d;
      }
      f.logits(ws.Wn.data(), ws.bn.data(), ws.Zn.data(), pool);
      if (L >= L_max || f.bregman(ws.Zy.data(), ws.Zn.data(), pool) <= 0.5 * L * quad) {
        fn = f.value_residual(ws.Zn.data(), ws.Rn.data(), ws.gbn.data(), pool);
        break;
      }
      L = std::min(2 * L, L_max);
    }
    step.iterations = it;
    const double Fn = fn + h.value(ws.Wn.data(), n);
    if (Fn > Fx && beta > 0) {
      // Restart: drop the step, zero the momentum; the next iteration is a proximal gradient step from x, which
      // is accepted whatever rounding says (with a valid L it cannot increase F beyond the last bits).
      theta = 1;
      ws.Wp = ws.W;
      ws.bp = ws.b;
      ws.Zp = ws.Z;
    } else {
      std::swap(ws.Wp, ws.W);
      std::swap(ws.bp, ws.b);
      std::swap(ws.Zp, ws.Z);
      std::swap(ws.W, ws.Wn);
      std::swap(ws.b, ws.bn);
      std::swap(ws.Z, ws.Zn);
      std::swap(ws.gb, ws.gbn);
      std::swap(ws.R, ws.Rn);
      Fx = Fn;
      if (it % o.check_every == 0 || it == o.max_iterations) {
        f.gradient_w(ws.R.data(), ws.GW.data(), pool);
        step.criterion = kkt(h, ws.W, ws.GW, ws.gb);
        if (step.criterion <= threshold) {
          step.converged = true;
          break;
        }
      }
    }
  }
  if (!step.converged) {
    // The last iteration may have been a restart: measure at the x we return.
    f.value_residual(ws.Z.data(), ws.R.data(), ws.gb.data(), pool);
    f.gradient_w(ws.R.data(), ws.GW.data(), pool);
    step.criterion = kkt(h, ws.W, ws.GW, ws.gb);
    step.converged = step.criterion <= threshold;
  }
  step.objective = Fx;
  step.nonzeros = nonzeros(ws.W);
  return step;
}

}  // namespace

PathStart path_start(const LinearDatafit& f, double alpha, ThreadPool& pool) {
  const size_t T = f.rows(), D = f.cols(), C = f.classes();
  PathStart p;
  p.b = f.zero_model_intercept();
  std::vector<double> Z(T * C), R(T * C), gb(C), GW(C * D);
  for (size_t t = 0; t < T; ++t) std::copy(p.b.begin(), p.b.end(), Z.begin() + t * C);
  f.value_residual(Z.data(), R.data(), gb.data(), pool);
  f.gradient_w(R.data(), GW.data(), pool);
  double g0 = 0;
  for (double g : GW) g0 = std::max(g0, std::abs(g));
  p.lambda_max = ElasticNet::lambda_max(g0, alpha);
  p.scale = g0 > 0 ? g0 : 1.0;
  return p;
}

FistaResult solve_path(const LinearDatafit& f, const FistaOptions& o, ThreadPool& pool, const FistaHooks& hooks) {
  const size_t T = f.rows(), D = f.cols(), C = f.classes();
  Workspace ws(T, D, C);
  FistaResult r;
  const PathStart start = path_start(f, o.alpha, pool);
  r.lambda_max = start.lambda_max;
  r.scale = start.scale;
  if (!o.warm_W.empty()) {
    ws.W = o.warm_W;
    f.centred_bias(ws.W.data(), o.warm_b.data(), ws.b.data());
    f.logits(ws.W.data(), ws.b.data(), ws.Z.data(), pool);
  } else {
    ws.b = start.b;
    for (size_t t = 0; t < T; ++t) std::copy(ws.b.begin(), ws.b.end(), ws.Z.begin() + t * C);
  }
  const double threshold = o.tol * r.scale;
  const double lambda_end = o.lambda > 0 ? o.lambda : o.lambda_ratio * (r.lambda_max > 0 ? r.lambda_max : 1.0);
  const double lambda_start = r.lambda_max > 0 ? r.lambda_max : lambda_end;
  r.lipschitz_bound = f.lipschitz(pool);
  double L = r.lipschitz_bound;
  const size_t K = std::max<size_t>(1, o.path_steps);
  for (size_t k = 0; k < K; ++k) {
    check_cancel(hooks);
    const double lambda =
        K == 1 || k == K - 1 ? lambda_end
                             : lambda_start * std::pow(lambda_end / lambda_start, static_cast<double>(k) / (K - 1));
    const ElasticNet h{lambda, o.alpha};
    // Intermediate λ only provide warm starts: solved to path_tol_factor·tol.
    const double step_threshold = k + 1 < K ? threshold * o.path_tol_factor : threshold;
    r.path.push_back(solve_one(f, h, step_threshold, o, L, f.lipschitz_upper(), ws, pool, hooks));
    if (hooks.progress) hooks.progress(k + 1, K, r.path.back().objective);
  }
  r.W = ws.W;
  r.b.resize(C);
  f.uncentred_bias(ws.W.data(), ws.b.data(), r.b.data());
  r.lipschitz = L;
  r.passes = f.passes();
  return r;
}

}  // namespace probe
}  // namespace ns
