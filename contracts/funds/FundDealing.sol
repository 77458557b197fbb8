// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {ITokenizedDeposit} from "../interfaces/ITokenizedDeposit.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {LegMovements} from "../settlement/LegMovements.sol";
import {SettlementRegister} from "../settlement/SettlementRegister.sol";
import {FailureReason, Leg} from "../settlement/Trade.sol";
import {FundNav} from "./FundNav.sol";
import {FundRounding} from "./FundRounding.sol";
import {HktCalendar} from "./HktCalendar.sol";
import {MoneyMarketFundUnits} from "./MoneyMarketFundUnits.sol";
import {RtgsBridge, RtgsConfirmation} from "./RtgsBridge.sol";

/// @notice How the interbank leg of a dealing settles; fixed per deployment.
/// @dev `CentralBankMoney`: in wCBDC on chain, in the dealing's own transaction, any day and hour.
/// `Rtgs`: off chain in CHATS; the payer's cash is earmarked on chain until the RTGS operator confirms.
enum InterbankMode {
    CentralBankMoney,
    Rtgs
}

/// @notice What an order asks for.
enum OrderKind {
    None,
    Subscription,
    Redemption
}

/// @notice Where an order stands.
/// @dev `Placed`: taken, waiting for its dealing day's NAV. `AwaitingRtgs`: priced, the payer's cash
/// earmarked, waiting for the RTGS confirmation (RTGS mode, across banks). `Settled`: units and cash
/// moved. `Failed`: the RTGS confirmation did not come by the deadline; the earmark was released,
/// nothing moved. `Cancelled`: withdrawn by the investor before the cut-off, or after its NAV went
/// stale (or was never published), nothing moved.
enum OrderStatus {
    None,
    Placed,
    AwaitingRtgs,
    Settled,
    Failed,
    Cancelled
}

/// @notice Why an order failed (sandbox reason code `XRTO` for a timed-out RTGS confirmation).
enum OrderFailure {
    None,
    RtgsTimeout
}

/// @notice One order and, once dealt, its figures.
/// @param investor who ordered (and pays, or redeems).
/// @param kind subscription (by cash amount) or redemption (by units).
/// @param status where it stands.
/// @param failure why it failed.
/// @param investorCash the investor's bank's tokenized deposit (a registered deposit line).
/// @param dealingDay the HKT day number it deals on.
/// @param feeBps the subscription fee in force when it was placed.
/// @param placedAt when it was placed.
/// @param cash subscription: what the investor pays (gross); redemption: what it is paid (set when dealt).
/// @param units subscription: units issued (set when dealt); redemption: units redeemed.
/// @param fee the subscription fee (set when dealt).
/// @param navPerUnit the NAV it dealt at (set when dealt).
struct Order {
    address investor;
    OrderKind kind;
    OrderStatus status;
    OrderFailure failure;
    address investorCash;
    uint32 dealingDay;
    uint16 feeBps;
    uint64 placedAt;
    uint256 cash;
    uint256 units;
    uint256 fee;
    uint256 navPerUnit;
}

/// @notice An interbank amount earmarked on chain while RTGS settles it off chain.
/// @param token the payer's tokenized deposit, held by the dealing contract.
/// @param payer whose deposit it is (the investor for a subscription, the trustee for a redemption).
/// @param payerBank the bank paying in RTGS.
/// @param payeeBank the bank paid in RTGS.
/// @param amount minor units.
/// @param earmarkedAt when.
/// @param deadline the confirmation must arrive by then, else anyone may release it.
struct Earmark {
    address token;
    address payer;
    address payerBank;
    address payeeBank;
    uint256 amount;
    uint64 earmarkedAt;
    uint64 deadline;
}

/// @notice Who the fund is and where its cash is; fixed at deployment.
/// @param units the share class's units token.
/// @param engine the settlement engine whose deposit lines, wCBDC, registry and pause this contract follows.
/// @param fundCash the trustee's bank's tokenized deposit: the fund's cash account is there.
/// @param trustee the trustee/custodian: holds the fund's cash; its own call pays each redemption.
/// @param fundManager the fund manager: sets the fee and the cut-off, appoints distributors and the administrator.
/// @param transferAgent keeps the unit register: settles subscriptions.
/// @param administrator strikes and signs the NAV.
/// @param rtgsOperator the RTGS operator's signing account (RTGS mode only; zero otherwise).
/// @param mode the interbank mode.
/// @param subscriptionFeeBps the share class's subscription fee, at most `MAX_FEE_BPS`.
struct FundSetup {
    MoneyMarketFundUnits units;
    SettlementRegister engine;
    address fundCash;
    address trustee;
    address fundManager;
    address transferAgent;
    address administrator;
    address rtgsOperator;
    InterbankMode mode;
    uint16 subscriptionFeeBps;
}

/// @title Dealing in a tokenized money-market fund: orders, dealing days, NAV, DvP against tokenized deposits
/// @notice Investors at the fund's distributor banks subscribe by cash amount and redeem by units,
/// each by its own call. **Dealing days** are Monday to Friday (HKT, no holiday calendar); an order
/// placed before the **cut-off** (default 12:00 HKT) deals at that day's NAV, one placed at or after it
/// (or on a weekend) at the next dealing day's. The **fund administrator** signs each day's NAV,
/// struck at or after the cut-off (`FundNav`); once it is published, the dealing settles the same day
/// (T+0): the **transfer agent** settles subscriptions, the **trustee** settles redemptions (its call
/// is the fund's consent to pay each one from its account). Figures follow `FundRounding` (units down
/// to 4 decimals, cash down to the cent, remainders to the fund); an optional **subscription fee** per
/// share class goes to the fund manager's account at the fund's bank.
///
/// **Settlement is DvP**: units against tokenized deposits. Investor and fund at the same bank: the
/// deposit moves and units are issued or cancelled, in one transaction. At different banks the
/// interbank leg depends on the deployment's `InterbankMode`:
/// - **CentralBankMoney**: in one transaction, any day and hour: the payer's deposit is burned at its
///   bank, that bank pays the payee's bank in wCBDC, the payee's bank mints to the payee, and units
///   are issued (subscription) or cancelled (redemption) — all or nothing.
/// - **Rtgs**: the interbank payment is made off chain in CHATS. When the dealing settles, the payer's
///   tokenized deposit at its own bank for the full interbank amount is held in this contract's
///   custody as the earmark (`earmarkOf`, `InterbankEarmarked`), visible and spendable by no one,
///   which is the payer bank's liability that its RTGS payment will discharge: for a subscription the
///   investor's cash, in custody since the order; for a redemption the trustee's, which moves in now.
///   Redeemed units stay in custody since the order.
///   Nothing else moves: no wCBDC (interbank money moves in CHATS, not here), no units are issued and
///   the payee is not credited. When the RTGS operator's signed confirmation of that payment arrives
///   (`confirmRtgs`), in one transaction the earmarked deposit is burned at the payer's bank, the
///   payee's bank mints to the payee and units are issued or cancelled. If it has not arrived by the
///   earmark's deadline (`RtgsBridge.confirmationDeadline`), anyone may `releaseEarmark`: the deposit
///   and any units go back to their owner and the order `Failed` (`XRTO`), nothing moved. To the
///   investor both modes are atomic: units and deposits move together or not at all.
/// Orders are firm: a subscription's cash and a redemption's units go into this contract's custody
/// when the order is placed, so no investor can walk away from an order once its price is known;
/// until it deals, only `cancelOrder` (before the cut-off, or once its NAV is stale or never came)
/// gives them back.
/// @dev Consent: an investor's deposit is debited only by its own subscription call and units only
/// by its own redemption call; the fund's cash only by the trustee's own `settle` of a redemption.
/// Deposit allowances to this contract are the mechanism, given per order for its amount and spent
/// by that call. A bank's
/// wCBDC moves (CentralBankMoney mode) only for a payment by one of its own customers (or the
/// trustee), whose deposit it burns in the same transaction, on a deposit line the bank registered
/// with the engine and a role (`SETTLEMENT_ROLE`) it granted this contract. Only deposit tokens
/// registered with the engine (in its home wCBDC) are accepted, never an address taken on trust.
/// Needs: registration in the participant registry as infrastructure; `DEALING_ROLE` on the units
/// (from the transfer agent); `SETTLEMENT_ROLE` on each bank's deposit token and, in CentralBankMoney
/// mode, each bank's wCBDC allowance; each bank onboarding it as a customer (to hold subscriptions'
/// cash and earmarks).
contract FundDealing is FundNav, RtgsBridge, LegMovements, ITokenErrors, ReentrancyGuardTransient {
    /// @notice Role of the fund manager: fee, cut-off, distributors, administrator.
    bytes32 public constant FUND_MANAGER_ROLE = keccak256("FUND_MANAGER_ROLE");
    /// @notice Role of the trustee/custodian: holds the fund's cash, settles redemptions.
    bytes32 public constant TRUSTEE_ROLE = keccak256("TRUSTEE_ROLE");
    /// @notice Role of the transfer agent: settles subscriptions (issues units).
    bytes32 public constant TRANSFER_AGENT_ROLE = keccak256("TRANSFER_AGENT_ROLE");
    /// @notice Role of a distributor bank: its customers may deal in its deposit token.
    bytes32 public constant DISTRIBUTOR_ROLE = keccak256("DISTRIBUTOR_ROLE");
    /// @notice Highest subscription fee: 5.00%.
    uint16 public constant MAX_FEE_BPS = 500;
    /// @notice Default cut-off: 12:00 HKT.
    uint32 public constant DEFAULT_CUT_OFF = 12 hours;

    MoneyMarketFundUnits private immutable _units;
    SettlementRegister private immutable _engine;
    address private immutable _fundCash;
    address private immutable _trustee;
    address private immutable _fundManager;
    InterbankMode private immutable _mode;
    uint256 private immutable _scale;

    uint32 private _cutOff = DEFAULT_CUT_OFF;
    uint16 private _feeBps;
    uint256 private _lastOrderId;
    mapping(uint256 orderId => Order) private _orders;
    mapping(uint256 orderId => Earmark) private _earmarks;
    mapping(uint256 dealingDay => uint256) private _lastOrderAtOf;
    mapping(uint256 orderId => uint256) private _heldUnits;

    /// @notice An order of zero cash or zero units.
    error FundOrderZero();
    /// @notice `bank` is not a distributor of the fund.
    error FundNotDistributor(address bank);
    /// @notice Order `orderId` is `status`, which does not allow this.
    error FundOrderInWrongStatus(uint256 orderId, OrderStatus status);
    /// @notice `caller` may not settle order `orderId` (subscriptions: the transfer agent; redemptions: the trustee).
    error FundNotAuthorisedToSettle(address caller, uint256 orderId);
    /// @notice `caller` is not the investor of order `orderId`.
    error FundNotInvestor(address caller, uint256 orderId);
    /// @notice Order `orderId` can no longer be cancelled (after the cut-off, with a valid NAV).
    error FundOrderNotCancellable(uint256 orderId);
    /// @notice A subscription of `net` at `navPerUnit` buys less than one smallest unit.
    error FundSubscriptionBelowOneUnit(uint256 orderId, uint256 net, uint256 navPerUnit);
    /// @notice The earmark of order `orderId` waits for its confirmation until `deadline`.
    error RtgsConfirmationStillDue(uint256 orderId, uint64 deadline);
    /// @notice Order `orderId` has no redeemed units held in custody.
    error FundNoHeldUnits(uint256 orderId);
    /// @notice A term of the setup is unusable; `term` names it.
    error FundInvalidSetup(string term);

    /// @notice `investor` placed a subscription of `cash` in `investorCash`, to deal on `dealingDay`.
    event SubscriptionPlaced(
        uint256 indexed orderId,
        address indexed investor,
        address investorCash,
        uint256 cash,
        uint32 dealingDay,
        uint16 feeBps
    );
    /// @notice `investor` placed a redemption of `units`, paid in `investorCash`, to deal on `dealingDay`;
    /// the units are in this contract's custody.
    event RedemptionPlaced(
        uint256 indexed orderId,
        address indexed investor,
        address investorCash,
        uint256 units,
        uint32 dealingDay
    );
    /// @notice A subscription settled: `cash` paid (`fee` of it to the manager), `units` issued at `navPerUnit`.
    event SubscriptionSettled(
        uint256 indexed orderId,
        address indexed investor,
        uint256 cash,
        uint256 fee,
        uint256 units,
        uint256 navPerUnit
    );
    /// @notice A redemption settled: `units` cancelled, `cash` paid at `navPerUnit`.
    event RedemptionSettled(uint256 indexed orderId, address indexed investor, uint256 units, uint256 cash, uint256 navPerUnit);
    /// @notice The interbank leg settled in wCBDC on chain: `payerBank` paid `payeeBank` `amount`.
    event FundInterbankSettled(uint256 indexed orderId, address indexed payerBank, address indexed payeeBank, uint256 amount);
    /// @notice `amount` of `payer`'s deposit `token` is earmarked (in custody) until RTGS confirms
    /// `payerBank`'s payment to `payeeBank`, or `deadline` passes.
    event InterbankEarmarked(
        uint256 indexed orderId,
        address indexed token,
        address indexed payer,
        address payerBank,
        address payeeBank,
        uint256 amount,
        uint64 deadline
    );
    /// @notice The RTGS operator confirmed the interbank payment of order `orderId` (`paymentRef`, at `settledAt`).
    event RtgsPaymentConfirmed(uint256 indexed orderId, bytes32 indexed paymentRef, uint256 amount, uint64 settledAt);
    /// @notice The earmark of order `orderId` was released to `payer`: no confirmation by the deadline.
    event EarmarkReleased(uint256 indexed orderId, address indexed token, address indexed payer, uint256 amount);
    /// @notice The redeemed `units` of failed order `orderId` stay in custody: the register refused
    /// them back to `investor` (frozen, no longer eligible, or the units paused). Anyone may
    /// `returnHeldUnits` once the register accepts them.
    event RedeemedUnitsHeld(uint256 indexed orderId, address indexed investor, uint256 units);
    /// @notice The held redeemed `units` of order `orderId` went back to `investor`.
    event HeldUnitsReturned(uint256 indexed orderId, address indexed investor, uint256 units);
    /// @notice Order `orderId` failed for `failure`; nothing moved.
    event OrderFailed(uint256 indexed orderId, OrderFailure failure);
    /// @notice Order `orderId` was cancelled by its investor; nothing moved.
    event OrderCancelled(uint256 indexed orderId, address indexed investor);
    /// @notice The cut-off became `cutOff` seconds after HKT midnight.
    event CutOffSet(uint32 cutOff);
    /// @notice The subscription fee became `feeBps`.
    event SubscriptionFeeSet(uint16 feeBps);

    /// @param setup who the fund is (see `FundSetup`).
    constructor(FundSetup memory setup) EIP712("FundDealing", "1") {
        if (
            address(setup.units) == address(0) ||
            address(setup.engine) == address(0) ||
            setup.trustee == address(0) ||
            setup.fundManager == address(0) ||
            setup.transferAgent == address(0) ||
            setup.administrator == address(0)
        ) revert ZeroAddress();
        if ((setup.mode == InterbankMode.Rtgs) != (setup.rtgsOperator != address(0))) revert FundInvalidSetup("rtgsOperator");
        if (setup.subscriptionFeeBps > MAX_FEE_BPS) revert FundInvalidSetup("subscriptionFeeBps");
        if (setup.engine.bankOf(setup.fundCash) == address(0) || setup.engine.wcbdcOf(setup.fundCash) != setup.engine.wcbdc()) {
            revert DepositTokenNotRegistered(setup.fundCash);
        }
        _units = setup.units;
        _engine = setup.engine;
        _fundCash = setup.fundCash;
        _trustee = setup.trustee;
        _fundManager = setup.fundManager;
        _mode = setup.mode;
        _scale = FundRounding.scaleFor(IERC20Metadata(setup.fundCash).decimals());
        _feeBps = setup.subscriptionFeeBps;

        _grantRole(DEFAULT_ADMIN_ROLE, setup.fundManager);
        _grantRole(FUND_MANAGER_ROLE, setup.fundManager);
        _grantRole(TRUSTEE_ROLE, setup.trustee);
        _grantRole(TRANSFER_AGENT_ROLE, setup.transferAgent);
        _grantRole(FUND_ADMINISTRATOR_ROLE, setup.administrator);
        _setRoleAdmin(DISTRIBUTOR_ROLE, FUND_MANAGER_ROLE);
        _setRoleAdmin(FUND_ADMINISTRATOR_ROLE, FUND_MANAGER_ROLE);
        // The trustee is fixed: no one, the manager included, can appoint another fund account.
        _setRoleAdmin(TRUSTEE_ROLE, TRUSTEE_ROLE);
        _setRoleAdmin(TRANSFER_AGENT_ROLE, FUND_MANAGER_ROLE);
        // Only the RTGS operator names RTGS signers: the fund manager cannot appoint its own.
        _setRoleAdmin(RTGS_OPERATOR_ROLE, RTGS_OPERATOR_ROLE);
        if (setup.rtgsOperator != address(0)) _grantRole(RTGS_OPERATOR_ROLE, setup.rtgsOperator);
    }

    /// @dev Reverts `EnforcedPause` while the settlement engine is paused.
    modifier whenNotPaused() {
        if (_engine.paused()) revert Pausable.EnforcedPause();
        _;
    }

    // --------------------------------------------------------------- investors

    /// @notice Subscribes `cash` minor units, paid from the caller's deposit `investorCash`; the cash
    /// goes into this contract's custody now, as a redemption's units do.
    /// @dev Requirements: not paused; `cash` non-zero; `investorCash` is a deposit line registered with
    /// the engine in its home wCBDC, of a distributor bank; the caller may pay from it and hold units
    /// (each token's `checkTransfer`, reverting with the token's error); it approved this contract on
    /// `investorCash` for `cash` and holds it (else `SettlementLegFailed` MissingApproval or LACK).
    /// The order is firm: an investor who sees the NAV cannot walk away from it by withdrawing its
    /// allowance or its balance; until it deals, only `cancelOrder` returns the cash. Deals on
    /// `dealingDayFor(now)` at the fee in force now.
    /// @param investorCash the caller's bank's tokenized deposit.
    /// @param cash what the caller pays, minor units.
    /// @return orderId the order.
    function subscribe(address investorCash, uint256 cash) external nonReentrant whenNotPaused returns (uint256 orderId) {
        if (cash == 0) revert FundOrderZero();
        _requireDistributorLine(investorCash);
        ITransferCompliance(investorCash).checkTransfer(msg.sender, address(0), cash);
        ITransferCompliance(address(_units)).checkTransfer(address(0), msg.sender, 0);
        uint32 day = uint32(dealingDayFor(block.timestamp));
        orderId = _place(OrderKind.Subscription, investorCash, day, cash, 0);
        _move(Leg.Cash, FailureReason.InsufficientCash, investorCash, msg.sender, address(this), cash);
        emit SubscriptionPlaced(orderId, msg.sender, investorCash, cash, day, _feeBps);
    }

    /// @notice Redeems `units` of the caller's fund units, paid into its deposit `investorCash`; the
    /// units go into this contract's custody now.
    /// @dev Requirements: not paused; `units` non-zero; `investorCash` as for `subscribe`; the caller may
    /// be credited in it; the caller holds the units (else `SettlementLegFailed` LACK, or the token's
    /// reason). Deals on `dealingDayFor(now)`.
    /// @param investorCash the caller's bank's tokenized deposit.
    /// @param units smallest units to redeem.
    /// @return orderId the order.
    function redeem(address investorCash, uint256 units) external nonReentrant whenNotPaused returns (uint256 orderId) {
        if (units == 0) revert FundOrderZero();
        _requireDistributorLine(investorCash);
        ITransferCompliance(investorCash).checkTransfer(address(0), msg.sender, 0);
        uint32 day = uint32(dealingDayFor(block.timestamp));
        orderId = _place(OrderKind.Redemption, investorCash, day, 0, units);
        _call(
            Leg.Asset,
            FailureReason.InsufficientSecurities,
            address(_units),
            abi.encodeCall(MoneyMarketFundUnits.takeForRedemption, (msg.sender, units))
        );
        emit RedemptionPlaced(orderId, msg.sender, investorCash, units, day);
    }

    /// @notice Cancels the caller's order `orderId`; a subscription's cash or a redemption's units come back.
    /// @dev Requirements: the caller is its investor; the order is `Placed`; before its dealing day's
    /// cut-off and before its NAV is published (a cut-off moved later cannot reopen a priced day), or
    /// its NAV has gone stale, or no NAV was published by the end of the next day; the custody can go
    /// back (the deposit's rules for the cash, the register's for units). Works while the engine is
    /// paused: it moves only the investor's own cash or units back to it, nothing is settled.
    /// @param orderId the order.
    function cancelOrder(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        if (order.investor != msg.sender) revert FundNotInvestor(msg.sender, orderId);
        if (order.status != OrderStatus.Placed) revert FundOrderInWrongStatus(orderId, order.status);
        uint256 day = order.dealingDay;
        bool beforeCutOff = block.timestamp < HktCalendar.at(day, _cutOff) && !_navPublished(day);
        bool navNeverCame = !_navPublished(day) && HktCalendar.dayOf(block.timestamp) > day + 1;
        if (!beforeCutOff && !_navIsStale(day) && !navNeverCame) revert FundOrderNotCancellable(orderId);
        order.status = OrderStatus.Cancelled;
        if (order.kind == OrderKind.Redemption) _moveOut(Leg.Asset, address(_units), msg.sender, order.units);
        else _moveOut(Leg.Cash, order.investorCash, msg.sender, order.cash);
        emit OrderCancelled(orderId, msg.sender);
    }

    // ----------------------------------------------------------------- dealing

    /// @notice Deals order `orderId` at its dealing day's NAV and settles it (or, in RTGS mode across
    /// banks, earmarks the payer's cash for the RTGS payment).
    /// @dev Requirements: not paused; the order is `Placed`; a subscription is settled by the transfer
    /// agent, a redemption by the trustee; the day's NAV is published and not stale; a subscription buys
    /// at least one smallest unit; the register accepts the investor's units now (issue to it, or
    /// cancellation of its redeemed units: a freeze or lapsed eligibility since the order stops the
    /// dealing with the units' own error, even though a redemption's units are already in custody);
    /// both deposit lines are still registered; every leg can move (else
    /// `SettlementLegFailed` with the reason, nothing moved, the order still `Placed`).
    /// @param orderId the order.
    /// @return status `Settled`, or `AwaitingRtgs`.
    function settle(uint256 orderId) external nonReentrant whenNotPaused returns (OrderStatus status) {
        Order storage order = _orders[orderId];
        if (order.status != OrderStatus.Placed) revert FundOrderInWrongStatus(orderId, order.status);
        bool subscription = order.kind == OrderKind.Subscription;
        if (subscription ? !hasRole(TRANSFER_AGENT_ROLE, msg.sender) : msg.sender != _trustee) {
            revert FundNotAuthorisedToSettle(msg.sender, orderId);
        }
        uint256 nav = _requireNav(order.dealingDay);
        order.navPerUnit = nav;
        if (subscription) {
            (uint256 fee, uint256 net, uint256 units) = FundRounding.subscription(order.cash, order.feeBps, nav, _scale);
            if (units == 0) revert FundSubscriptionBelowOneUnit(orderId, net, nav);
            (order.fee, order.units) = (fee, units);
        } else {
            order.cash = FundRounding.redemption(order.units, nav, _scale);
        }
        _checkRegister(order);
        (address payer, address payerCash, address payeeCash) = _cashSides(order);
        address payerBank = _requireLine(payerCash);
        address payeeBank = _requireLine(payeeCash);

        if (payerCash == payeeCash) {
            status = OrderStatus.Settled;
            order.status = status;
            _payWithinBank(order, payer);
            _settleUnits(orderId, order);
        } else if (_mode == InterbankMode.CentralBankMoney) {
            status = OrderStatus.Settled;
            order.status = status;
            // A subscription's cash is burned from this contract's custody, a redemption's from the trustee.
            _burnDeposit(payerCash, subscription ? address(this) : payer, order.cash);
            _move(Leg.Interbank, FailureReason.InsufficientCash, _engine.wcbdc(), payerBank, payeeBank, order.cash);
            emit FundInterbankSettled(orderId, payerBank, payeeBank, order.cash);
            _creditPayees(order, payeeCash);
            _settleUnits(orderId, order);
        } else {
            status = OrderStatus.AwaitingRtgs;
            order.status = status;
            uint64 deadline = confirmationDeadline(block.timestamp);
            _earmarks[orderId] = Earmark(payerCash, payer, payerBank, payeeBank, order.cash, uint64(block.timestamp), deadline);
            // A subscription's cash has been in custody since the order: it becomes the earmark as it is.
            if (!subscription) _move(Leg.Cash, FailureReason.InsufficientCash, payerCash, payer, address(this), order.cash);
            emit InterbankEarmarked(orderId, payerCash, payer, payerBank, payeeBank, order.cash, deadline);
        }
    }

    /// @notice Completes order `orderId` on the RTGS operator's signed confirmation of its interbank
    /// payment: the earmarked deposit is burned at the payer's bank, the payee's bank credits the
    /// payee, units are issued or cancelled — in this transaction.
    /// @dev Requirements: not paused; the order is `AwaitingRtgs`; `confirmation` names the order, its
    /// banks and amount, settled inside RTGS hours after the earmark and not after now, with an unused
    /// payment reference, signed by an `RTGS_OPERATOR_ROLE` holder, submitted by the deadline (see
    /// `RtgsBridge`); both deposit lines are still registered with the engine; the register accepts
    /// the investor's units now (as for `settle`: the units' own error otherwise, and the confirmation
    /// may be submitted again once it does, until the deadline). Anyone may submit it. Reverts
    /// `SettlementLegFailed` if a leg cannot move.
    /// @param orderId the order.
    /// @param confirmation the RTGS operator's confirmation.
    /// @param signature its EIP-712 signature.
    function confirmRtgs(
        uint256 orderId,
        RtgsConfirmation calldata confirmation,
        bytes calldata signature
    ) external nonReentrant whenNotPaused {
        Order storage order = _orders[orderId];
        if (order.status != OrderStatus.AwaitingRtgs) revert FundOrderInWrongStatus(orderId, order.status);
        if (confirmation.orderId != orderId) revert RtgsConfirmationMismatch(orderId, "orderId");
        Earmark storage earmark = _earmarks[orderId];
        (, , address payeeCash) = _cashSides(order);
        _requireLine(earmark.token);
        _requireLine(payeeCash);
        _checkRegister(order);
        _acceptConfirmation(
            confirmation,
            signature,
            earmark.payerBank,
            earmark.payeeBank,
            earmark.amount,
            earmark.earmarkedAt,
            earmark.deadline
        );
        order.status = OrderStatus.Settled;
        emit RtgsPaymentConfirmed(orderId, confirmation.paymentRef, earmark.amount, confirmation.settledAt);
        // The payer's bank paid in RTGS: it cancels the deposit it held earmarked.
        _burnDeposit(earmark.token, address(this), earmark.amount);
        _creditPayees(order, payeeCash);
        _settleUnits(orderId, order);
    }

    /// @notice Releases the earmark of order `orderId` after its deadline: the deposit goes back to its
    /// payer, redeemed units to their investor, and the order fails (`XRTO`), nothing moved.
    /// @dev Requirements: the order is `AwaitingRtgs`; its deadline has passed; the payer may be
    /// credited its deposit. Anyone may call. The earmarked cash never waits on the investor: if the
    /// register refuses a redemption's units back to a frozen or no longer eligible investor, they stay
    /// in custody (`RedeemedUnitsHeld`, `heldUnitsOf`) for `returnHeldUnits`, and the trustee's deposit
    /// is released all the same. Deposit lines are not checked again: returning value to its owner is
    /// always allowed. Works while the engine is paused, for the same reason.
    /// @param orderId the order.
    function releaseEarmark(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        if (order.status != OrderStatus.AwaitingRtgs) revert FundOrderInWrongStatus(orderId, order.status);
        Earmark storage earmark = _earmarks[orderId];
        if (block.timestamp <= earmark.deadline) revert RtgsConfirmationStillDue(orderId, earmark.deadline);
        order.status = OrderStatus.Failed;
        order.failure = OrderFailure.RtgsTimeout;
        bool holdUnits = order.kind == OrderKind.Redemption && !_wouldAcceptMoveOut(address(_units), order.investor, order.units);
        if (holdUnits) _heldUnits[orderId] = order.units;
        _moveOut(Leg.Cash, earmark.token, earmark.payer, earmark.amount);
        if (order.kind == OrderKind.Redemption && !holdUnits) _moveOut(Leg.Asset, address(_units), order.investor, order.units);
        emit EarmarkReleased(orderId, earmark.token, earmark.payer, earmark.amount);
        if (holdUnits) emit RedeemedUnitsHeld(orderId, order.investor, order.units);
        emit OrderFailed(orderId, OrderFailure.RtgsTimeout);
    }

    /// @notice Returns the redeemed units of failed order `orderId` that the register refused at release.
    /// @dev Requirements: units are held for the order (`FundNoHeldUnits`); the register accepts them
    /// back to the investor now (else the units' own error). Anyone may call; they go only to the
    /// order's investor. Works while the engine is paused.
    /// @param orderId the order.
    function returnHeldUnits(uint256 orderId) external nonReentrant {
        uint256 held = _heldUnits[orderId];
        if (held == 0) revert FundNoHeldUnits(orderId);
        address investor = _orders[orderId].investor;
        delete _heldUnits[orderId];
        _moveOut(Leg.Asset, address(_units), investor, held);
        emit HeldUnitsReturned(orderId, investor, held);
    }

    // ------------------------------------------------------------ fund manager

    /// @notice Sets the cut-off to `cutOff_` seconds after HKT midnight (orders placed from now on).
    /// @dev Requirements: caller has `FUND_MANAGER_ROLE`; `0 < cutOff_ < 24h`. Cannot enable late
    /// trading: a day whose NAV is published takes no more orders and allows no cancellation, and a NAV
    /// must be struck after its day's last order (`FundNav`).
    /// @param cutOff_ the cut-off.
    function setCutOff(uint32 cutOff_) external onlyRole(FUND_MANAGER_ROLE) {
        if (cutOff_ == 0 || cutOff_ >= 1 days) revert FundInvalidSetup("cutOff");
        _cutOff = cutOff_;
        emit CutOffSet(cutOff_);
    }

    /// @notice Sets the share class's subscription fee (orders placed from now on).
    /// @dev Requirements: caller has `FUND_MANAGER_ROLE`; at most `MAX_FEE_BPS`.
    /// @param feeBps basis points.
    function setSubscriptionFee(uint16 feeBps) external onlyRole(FUND_MANAGER_ROLE) {
        if (feeBps > MAX_FEE_BPS) revert FundInvalidSetup("subscriptionFeeBps");
        _feeBps = feeBps;
        emit SubscriptionFeeSet(feeBps);
    }

    // ------------------------------------------------------------------- views

    /// @notice The dealing day (HKT day number) of an order placed at unix time `t`.
    /// @dev Forward pricing: an order never deals at a NAV already published, so a day whose NAV is out
    /// takes no more orders, even if the manager moved the cut-off later after the NAV.
    /// @param t unix time.
    /// @return day that day if a weekday before the cut-off and not yet priced, else the next weekday.
    function dealingDayFor(uint256 t) public view returns (uint256 day) {
        day = HktCalendar.dayOf(t);
        if (!HktCalendar.isWeekday(day) || HktCalendar.timeOfDay(t) >= _cutOff || _navPublished(day)) {
            day = HktCalendar.nextWeekday(day);
        }
    }

    /// @notice Order `orderId` (all zero if none).
    /// @param orderId the order.
    /// @return the order.
    function orderOf(uint256 orderId) external view returns (Order memory) {
        return _orders[orderId];
    }

    /// @notice The earmark of order `orderId` (all zero if none).
    /// @param orderId the order.
    /// @return the earmark.
    function earmarkOf(uint256 orderId) external view returns (Earmark memory) {
        return _earmarks[orderId];
    }

    /// @notice Redeemed units of failed order `orderId` held in custody because the register refused them back.
    /// @param orderId the order.
    /// @return units smallest units (zero if none).
    function heldUnitsOf(uint256 orderId) external view returns (uint256 units) {
        return _heldUnits[orderId];
    }

    /// @notice The last order id given (ids start at 1).
    /// @return the id.
    function lastOrderId() external view returns (uint256) {
        return _lastOrderId;
    }

    /// @notice The cut-off, seconds after HKT midnight.
    /// @return the cut-off.
    function cutOff() external view returns (uint32) {
        return _cutOff;
    }

    /// @notice The subscription fee, basis points.
    /// @return the fee.
    function subscriptionFeeBps() external view returns (uint16) {
        return _feeBps;
    }

    /// @notice The interbank mode of this deployment.
    /// @return the mode.
    function interbankMode() external view returns (InterbankMode) {
        return _mode;
    }

    /// @notice The fund's units, cash token, trustee, manager and engine.
    /// @return units the units token.
    /// @return fundCash the trustee's deposit token.
    /// @return trustee the trustee (fund cash account).
    /// @return fundManager the manager (fee account).
    /// @return engine the settlement engine.
    function fund()
        external
        view
        returns (address units, address fundCash, address trustee, address fundManager, address engine)
    {
        return (address(_units), _fundCash, _trustee, _fundManager, address(_engine));
    }

    /// @notice Value of `units` smallest units at `navPerUnit`, and units for `cash` at `feeBps` (the rounding rule).
    /// @param cash a subscription amount, minor units.
    /// @param feeBps a fee.
    /// @param units a redemption, smallest units.
    /// @param navPerUnit a NAV.
    /// @return fee subscription fee.
    /// @return unitsIssued units a subscription of `cash` buys.
    /// @return cashPaid what a redemption of `units` pays.
    function quote(
        uint256 cash,
        uint256 feeBps,
        uint256 units,
        uint256 navPerUnit
    ) external view returns (uint256 fee, uint256 unitsIssued, uint256 cashPaid) {
        (fee, , unitsIssued) = FundRounding.subscription(cash, feeBps, navPerUnit, _scale);
        cashPaid = FundRounding.redemption(units, navPerUnit, _scale);
    }

    // ---------------------------------------------------------------- internal

    function _navFund() internal view override returns (address) {
        return address(_units);
    }

    function _lastOrderAt(uint256 dealingDay) internal view override returns (uint256) {
        return _lastOrderAtOf[dealingDay];
    }

    function _cutOffOf(uint256) internal view override returns (uint256) {
        return _cutOff;
    }

    function _place(
        OrderKind kind,
        address investorCash,
        uint32 day,
        uint256 cash,
        uint256 units
    ) private returns (uint256 orderId) {
        orderId = ++_lastOrderId;
        _lastOrderAtOf[day] = block.timestamp;
        _orders[orderId] = Order({
            investor: msg.sender,
            kind: kind,
            status: OrderStatus.Placed,
            failure: OrderFailure.None,
            investorCash: investorCash,
            dealingDay: day,
            feeBps: kind == OrderKind.Subscription ? _feeBps : 0,
            placedAt: uint64(block.timestamp),
            cash: cash,
            units: units,
            fee: 0,
            navPerUnit: 0
        });
    }

    /// @dev Who pays in which deposit token, and the payee's token: subscriptions pay the fund, redemptions the investor.
    function _cashSides(Order storage order) private view returns (address payer, address payerCash, address payeeCash) {
        if (order.kind == OrderKind.Subscription) return (order.investor, order.investorCash, _fundCash);
        return (_trustee, _fundCash, order.investorCash);
    }

    /// @dev Investor and fund at one bank: the deposit moves directly (a subscription's from custody: net
    /// to the trustee, fee to the manager).
    function _payWithinBank(Order storage order, address payer) private {
        if (order.kind == OrderKind.Subscription) {
            _moveOut(Leg.Cash, _fundCash, _trustee, order.cash - order.fee);
            if (order.fee != 0) _moveOut(Leg.Cash, _fundCash, _fundManager, order.fee);
        } else {
            _move(Leg.Cash, FailureReason.InsufficientCash, _fundCash, payer, order.investor, order.cash);
        }
    }

    /// @dev The payee's bank, paid in wCBDC or RTGS, mints to the payee(s).
    function _creditPayees(Order storage order, address payeeCash) private {
        if (order.kind == OrderKind.Subscription) {
            _mintDeposit(payeeCash, _trustee, order.cash - order.fee);
            if (order.fee != 0) _mintDeposit(payeeCash, _fundManager, order.fee);
        } else {
            _mintDeposit(payeeCash, order.investor, order.cash);
        }
    }

    /// @dev Issues a subscription's units to its investor, or cancels a redemption's units in custody.
    function _settleUnits(uint256 orderId, Order storage order) private {
        if (order.kind == OrderKind.Subscription) {
            _call(
                Leg.Asset,
                FailureReason.TokenRejected,
                address(_units),
                abi.encodeCall(MoneyMarketFundUnits.mintForDealing, (order.investor, order.units))
            );
            emit SubscriptionSettled(orderId, order.investor, order.cash, order.fee, order.units, order.navPerUnit);
        } else {
            _call(
                Leg.Asset,
                FailureReason.TokenRejected,
                address(_units),
                abi.encodeCall(MoneyMarketFundUnits.burnForDealing, (order.units))
            );
            emit RedemptionSettled(orderId, order.investor, order.units, order.cash, order.navPerUnit);
        }
    }

    /// @dev The register's rules for the investor's units as of now, with the units' own error: a
    /// subscription's issue to it, or the cancellation of its redeemed units (as if burned from it).
    function _checkRegister(Order storage order) private view {
        ITransferCompliance units = ITransferCompliance(address(_units));
        if (order.kind == OrderKind.Subscription) units.checkTransfer(address(0), order.investor, order.units);
        else units.checkTransfer(order.investor, address(0), order.units);
    }


    /// @dev Burns `amount` of `from`'s deposit `token`: on `from`'s allowance to this contract, or, when
    /// `from` is this contract (its own custody), on its own call, which the deposit takes as consent.
    function _burnDeposit(address token, address from, uint256 amount) private {
        bytes memory burn = abi.encodeCall(ITokenizedDeposit.burnForSettlement, (from, amount));
        _call(Leg.Cash, FailureReason.InsufficientCash, token, burn);
    }

    function _mintDeposit(address token, address to, uint256 amount) private {
        _call(Leg.Cash, FailureReason.TokenRejected, token, abi.encodeCall(ITokenizedDeposit.mintForSettlement, (to, amount)));
    }

    /// @dev The bank of a deposit line registered with the engine in its home wCBDC, or revert `DepositTokenNotRegistered`.
    function _requireLine(address depositToken) private view returns (address bank) {
        bank = _engine.bankOf(depositToken);
        if (bank == address(0) || _engine.wcbdcOf(depositToken) != _engine.wcbdc()) {
            revert DepositTokenNotRegistered(depositToken);
        }
    }

    /// @dev As `_requireLine`, and the bank is a distributor of the fund.
    function _requireDistributorLine(address depositToken) private view {
        address bank = _requireLine(depositToken);
        if (!hasRole(DISTRIBUTOR_ROLE, bank)) revert FundNotDistributor(bank);
    }
}
